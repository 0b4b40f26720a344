// Spec: https://github.com/libp2p/specs/blob/master/yamux/README.md (copy of https://github.com/hashicorp/yamux/blob/master/spec.md)
using Casto.Stack.Connections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Casto.Stack.Muxers.Yamux;

/// <summary>The yamux stream multiplexer (<c>/yamux/1.0.0</c>).</summary>
public sealed class YamuxMuxer : IStreamMuxer
{
    /// <summary>The multistream-select protocol id.</summary>
    public const string Id = "/yamux/1.0.0";

    private readonly YamuxOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates the muxer; <paramref name="options"/> are validated and copied.</summary>
    public YamuxMuxer(YamuxOptions? options = null)
    {
        options ??= new YamuxOptions();
        options.Validate();
        _options = options.Clone();
        _options.MemoryPool ??= new Buffers.BlockMemoryPool();
        _logger = _options.LoggerFactory?.CreateLogger<YamuxMuxer>() ?? NullLogger<YamuxMuxer>.Instance;
    }

    /// <inheritdoc/>
    public string ProtocolId => Id;

    /// <inheritdoc/>
    public IMuxedConnection Create(IDuplexConnection connection, bool isInitiator)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return new YamuxSession(connection, isInitiator, _options, _logger);
    }
}
