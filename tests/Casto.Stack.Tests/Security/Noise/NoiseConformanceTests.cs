using Casto.Conformance;
using Casto.Stack.Connections;
using Casto.Stack.Identity;
using Casto.Stack.Security.Noise;

namespace Casto.Stack.Tests.Security.Noise;

/// <summary>The shared secure-channel suite, run against <see cref="NoiseSecureChannel"/>.</summary>
public class NoiseConformanceTests : SecureChannelConformanceTests
{
    protected override ISecureChannel CreateChannel(PrivateKey identity) => new NoiseSecureChannel(identity);

    protected override ISecureChannel CreateChannel(PrivateKey identity, TimeSpan handshakeTimeout) =>
        new NoiseSecureChannel(identity, new NoiseOptions { HandshakeTimeout = handshakeTimeout });
}
