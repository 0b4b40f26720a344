using Casto.WebRtc.Sdp;

namespace Casto.WebRtc.Tests.Sdp;

/// <summary>Deep equality of two parsed descriptions (the leaf types are records).</summary>
internal static class SdpAssert
{
    public static void Equal(SessionDescription expected, SessionDescription actual)
    {
        Assert.Equal(expected.Version, actual.Version);
        Assert.Equal(expected.Origin, actual.Origin);
        Assert.Equal(expected.SessionName, actual.SessionName);
        Assert.Equal(expected.Timing, actual.Timing);
        Assert.Equal(expected.Groups, actual.Groups);
        Assert.Equal(expected.MsidSemantic, actual.MsidSemantic);
        Assert.Equal(expected.IceLite, actual.IceLite);
        Section(expected, actual);
        Assert.Equal(expected.Media.Count, actual.Media.Count);
        foreach (var (e, a) in expected.Media.Zip(actual.Media))
        {
            Assert.Equal((e.Kind, e.Port, e.PortCount, e.Protocol, e.Mid, e.Direction), (a.Kind, a.Port, a.PortCount, a.Protocol, a.Mid, a.Direction));
            Assert.Equal(e.Formats, a.Formats);
            Assert.Equal((e.RtcpMux, e.RtcpRsize, e.SctpPort, e.MaxMessageSize), (a.RtcpMux, a.RtcpRsize, a.SctpPort, a.MaxMessageSize));
            Assert.Equal(e.RtpMaps, a.RtpMaps);
            Assert.Equal(e.Fmtps, a.Fmtps);
            Assert.Equal(e.RtcpFeedbacks, a.RtcpFeedbacks);
            Assert.Equal(e.Extmaps, a.Extmaps);
            Assert.Equal(e.Msids, a.Msids);
            Assert.Equal(e.Ssrcs, a.Ssrcs);
            Assert.Equal(e.SsrcGroups, a.SsrcGroups);
            Section(e, a);
        }
    }

    private static void Section(SdpSection e, SdpSection a)
    {
        Assert.Equal(e.Connection, a.Connection);
        Assert.Equal((e.IceUfrag, e.IcePwd, e.IceOptions, e.Setup, e.EndOfCandidates), (a.IceUfrag, a.IcePwd, a.IceOptions, a.Setup, a.EndOfCandidates));
        Assert.Equal(e.Fingerprints, a.Fingerprints);
        Assert.Equal(e.Candidates, a.Candidates);
        Assert.Equal(e.Attributes, a.Attributes);
        Assert.Equal(e.OtherLines, a.OtherLines);
    }
}
