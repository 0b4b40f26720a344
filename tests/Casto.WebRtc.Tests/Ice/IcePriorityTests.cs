using Casto.WebRtc.Ice;
using Casto.WebRtc.Sdp;

namespace Casto.WebRtc.Tests.Ice;

public sealed class IcePriorityTests
{
    [Theory]
    [InlineData(SdpCandidateType.Host, 65535, 1, 2130706431u)] // Chromium's host candidate, RTP
    [InlineData(SdpCandidateType.Host, 65535, 2, 2130706430u)]
    [InlineData(SdpCandidateType.PeerReflexive, 65535, 1, 1862270975u)]
    [InlineData(SdpCandidateType.ServerReflexive, 65535, 1, 1694498815u)]
    [InlineData(SdpCandidateType.Relay, 65535, 1, 16777215u)]
    [InlineData(SdpCandidateType.Host, 0, 1, 2113929471u)]
    public void CandidatePriorityMatchesRfc8445Formula(SdpCandidateType type, int localPreference, int component, uint expected) =>
        Assert.Equal(expected, IcePriority.Candidate(type, localPreference, component));

    [Fact]
    public void CandidatePriorityRejectsOutOfRangeInputs()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => IcePriority.Candidate(127, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => IcePriority.Candidate(126, 65536, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => IcePriority.Candidate(126, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => IcePriority.Candidate(126, 0, 257));
    }

    [Fact]
    public void PairPriorityMatchesRfc8445Formula()
    {
        // 2^32*MIN(G,D) + 2*MAX(G,D) + (G>D?1:0)
        Assert.Equal(7277816997797167103UL, IcePriority.Pair(2130706431, 1694498815));
        Assert.Equal(7277816997797167102UL, IcePriority.Pair(1694498815, 2130706431));
        Assert.Equal((2130706431UL << 32) + (2UL * 2130706431), IcePriority.Pair(2130706431, 2130706431));
    }

    [Fact]
    public void PairPriorityIsSymmetricButForTheTieBit()
    {
        Prop.ForAll<uint, uint>((g, d) =>
            g == d
                ? IcePriority.Pair(g, d) == IcePriority.Pair(d, g)
                : IcePriority.Pair(g, d) - IcePriority.Pair(d, g) == (g > d ? 1UL : ulong.MaxValue))
            .QuickCheckThrowOnFailure();
    }

    [Fact]
    public void GeneratedCredentialsHaveRfcLengthsAndIceChars()
    {
        var ufrag = IceCredentials.NewUfrag();
        var password = IceCredentials.NewPassword();
        Assert.True(ufrag.Length >= 4 && IceCredentials.IsValid(ufrag, 4)); // ≥ 24 bits
        Assert.True(password.Length >= 22 && IceCredentials.IsValid(password, 22)); // ≥ 128 bits
        Assert.NotEqual(ufrag, IceCredentials.NewUfrag());
        Assert.False(IceCredentials.IsValid("ab:c", 4));
    }

    [Fact]
    public void OptionsValidateRejectsBadValues()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new IceOptions { CheckInterval = TimeSpan.Zero }.Validate());
        Assert.Throws<ArgumentException>(() => new IceOptions { ConsentTimeout = TimeSpan.FromSeconds(1) }.Validate());
        Assert.Throws<ArgumentException>(() => new IceOptions { LocalAddresses = [] }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new IceOptions { ReceiveQueueCapacity = 0 }.Validate());
        new IceOptions().Validate();
    }
}
