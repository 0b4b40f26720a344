using Casto.Conformance;
using Casto.Stack.Connections;
using Casto.Stack.Muxers.Yamux;

namespace Casto.Stack.Tests.Muxers.Yamux;

/// <summary>The shared muxer suite, run against yamux.</summary>
public sealed class YamuxConformanceTests : MuxerConformanceTests
{
    protected override IStreamMuxer CreateMuxer() => new YamuxMuxer();

    protected override IStreamMuxer CreateMuxer(int maxStreams) => new YamuxMuxer(new YamuxOptions { MaxStreams = maxStreams });
}
