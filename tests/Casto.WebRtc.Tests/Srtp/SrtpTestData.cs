using Casto.WebRtc.Srtp;

namespace Casto.WebRtc.Tests.Srtp;

/// <summary>Keys, packets and helpers shared by the SRTP tests.</summary>
internal static class SrtpTestData
{
    public static readonly SrtpProfile[] Profiles =
        [SrtpProfile.Aes128CmHmacSha1_80, SrtpProfile.Aes128CmHmacSha1_32, SrtpProfile.AeadAes128Gcm];

    /// <summary>Profiles as ints: theory parameters must be public types.</summary>
    public static TheoryData<int> AllProfiles => new(Profiles.Select(p => (int)p));

    /// <summary>Parses hex with any whitespace in it.</summary>
    public static byte[] Hex(string hex) =>
        Convert.FromHexString(string.Concat(hex.Where(c => !char.IsWhiteSpace(c))));

    public static byte[] MasterKey(SrtpProfile profile) =>
        [.. Enumerable.Range(0, profile.KeyLength()).Select(i => (byte)(0x10 + i))];

    public static byte[] MasterSalt(SrtpProfile profile) =>
        [.. Enumerable.Range(0, profile.SaltLength()).Select(i => (byte)(0xC0 + i))];

    /// <summary>A sender and a receiver context sharing one master key.</summary>
    public static (SrtpContext Sender, SrtpContext Receiver) Pair(SrtpProfile profile, SrtpOptions? options = null) =>
        (SrtpContext.Create(profile, MasterKey(profile), MasterSalt(profile), options),
         SrtpContext.Create(profile, MasterKey(profile), MasterSalt(profile), options));

    /// <summary>An RTP packet: version 2, PT 96, optional CSRCs and a one-word extension, payload bytes from the seed.</summary>
    public static byte[] RtpPacketBytes(uint ssrc, ushort seq, int payloadLength, int csrcs = 0, bool extension = false, byte seed = 0)
    {
        int header = 12 + (4 * csrcs) + (extension ? 8 : 0);
        var packet = new byte[header + payloadLength];
        packet[0] = (byte)(0x80 | (extension ? 0x10 : 0) | csrcs);
        packet[1] = 96;
        packet[2] = (byte)(seq >> 8);
        packet[3] = (byte)seq;
        packet[4] = 0x12;
        packet[7] = 0x34;
        packet[8] = (byte)(ssrc >> 24);
        packet[9] = (byte)(ssrc >> 16);
        packet[10] = (byte)(ssrc >> 8);
        packet[11] = (byte)ssrc;
        int offset = 12 + (4 * csrcs);
        if (extension)
        {
            packet[offset] = 0xBE;
            packet[offset + 1] = 0xDE;
            packet[offset + 3] = 1;
            packet[offset + 4] = 0x10;
            packet[offset + 5] = 0x42;
        }

        for (int i = header; i < packet.Length; i++)
        {
            packet[i] = (byte)(seed + i);
        }

        return packet;
    }

    /// <summary>An RTCP receiver report with one report block from <paramref name="ssrc"/>.</summary>
    public static byte[] RtcpPacketBytes(uint ssrc, byte seed = 0)
    {
        var packet = new byte[32];
        packet[0] = 0x81;
        packet[1] = 201;
        packet[3] = 7;
        packet[4] = (byte)(ssrc >> 24);
        packet[5] = (byte)(ssrc >> 16);
        packet[6] = (byte)(ssrc >> 8);
        packet[7] = (byte)ssrc;
        for (int i = 8; i < packet.Length; i++)
        {
            packet[i] = (byte)(seed + i);
        }

        return packet;
    }

    public static byte[] Protect(SrtpContext context, byte[] rtp)
    {
        var output = new byte[rtp.Length + context.RtpOverhead];
        Assert.Equal(output.Length, context.Protect(rtp, output));
        return output;
    }

    public static byte[]? Unprotect(SrtpContext context, byte[] srtp)
    {
        var output = new byte[srtp.Length];
        return context.TryUnprotect(srtp, output, out int written) ? output[..written] : null;
    }

    public static byte[] ProtectRtcp(SrtpContext context, byte[] rtcp, bool encrypt = true)
    {
        var output = new byte[rtcp.Length + context.RtcpOverhead];
        Assert.Equal(output.Length, context.ProtectRtcpCore(rtcp, output, encrypt));
        return output;
    }

    public static byte[]? UnprotectRtcp(SrtpContext context, byte[] srtcp)
    {
        var output = new byte[srtcp.Length];
        return context.TryUnprotectRtcp(srtcp, output, out int written) ? output[..written] : null;
    }
}
