using BenchmarkDotNet.Attributes;
using Casto.WebRtc.Nack;
using Casto.WebRtc.Rtcp;
using Casto.WebRtc.Rtp;

namespace Casto.Benchmarks;

/// <summary>Per-packet costs of the media plane: RTP parse + relay rewrite, RTCP compound parse, NACK history store.</summary>
[MemoryDiagnoser]
public class RtpBenchmarks
{
    private readonly byte[] _rtp = new byte[1200];
    private readonly byte[] _rtcp = new byte[256];
    private int _rtcpLength;
    private NackResponder _responder = null!;
    private ushort _sequence;

    [GlobalSetup]
    public void Setup()
    {
        Span<byte> ext = stackalloc byte[16];
        var writer = new RtpExtensionWriter(ext);
        writer.Add(1, "0"u8);
        writer.Add(3, [1, 2, 3]);
        var header = new RtpHeader
        {
            Marker = true, PayloadType = 96, SequenceNumber = 1, Timestamp = 90000, Ssrc = 0x1234,
            HasExtension = true, ExtensionProfile = writer.Profile, ExtensionData = writer.Finish(),
        };
        RtpPacket.Write(header, new byte[1200 - header.GetSize()], _rtp);

        _rtcpLength = new SenderReport { Ssrc = 1, NtpTimestamp = 2, RtpTimestamp = 3, Reports = new ReceptionReport[] { new(2, 0, 0, 1, 2, 3, 4) } }.Write(_rtcp);
        _rtcpLength += SourceDescription.WriteCname(_rtcp.AsSpan(_rtcpLength), 1, "casto-relay"u8);
        _rtcpLength += new GenericNack(1, 0x1234, [new NackPair(100, 0xFF)]).Write(_rtcp.AsSpan(_rtcpLength));
        _rtcpLength += new PictureLossIndication(1, 0x1234).Write(_rtcp.AsSpan(_rtcpLength));
        _responder = new NackResponder();
    }

    [GlobalCleanup]
    public void Cleanup() => _responder.Dispose();

    [Benchmark]
    public int RtpParseAndRewrite()
    {
        if (!RtpPacket.TryRead(_rtp, out RtpHeader header, out ReadOnlySpan<byte> payload) || !header.TryGetExtension(3, out _))
        {
            return -1;
        }

        RtpRewriter.SetSsrc(_rtp, header.Ssrc ^ 1);
        RtpRewriter.SetSequenceNumber(_rtp, (ushort)(header.SequenceNumber + 1));
        RtpRewriter.SetTimestamp(_rtp, header.Timestamp + 3000);
        RtpRewriter.SetPayloadType(_rtp, header.PayloadType);
        return payload.Length;
    }

    [Benchmark]
    public int RtcpCompoundParse()
    {
        int n = 0;
        var reader = new RtcpCompoundReader(_rtcp.AsSpan(0, _rtcpLength));
        while (reader.TryReadNext(out RtcpPacket packet))
        {
            switch (packet.Header.Type)
            {
                case RtcpPacketType.SenderReport when SenderReport.TryRead(packet.Packet, out SenderReport sr):
                    n += sr.Reports.Count;
                    break;
                case RtcpPacketType.SourceDescription when SourceDescription.TryGetCname(packet.Packet, out _, out ReadOnlySpan<byte> cname):
                    n += cname.Length;
                    break;
                case RtcpPacketType.TransportFeedback when GenericNack.TryRead(packet.Packet, out GenericNack nack):
                    n += nack.Count;
                    break;
                case RtcpPacketType.PayloadFeedback when PictureLossIndication.TryRead(packet.Packet, out _):
                    n++;
                    break;
            }
        }

        return n;
    }

    [Benchmark]
    public bool NackHistoryStore()
    {
        RtpRewriter.SetSequenceNumber(_rtp, _sequence++);
        return _responder.OnSent(_rtp);
    }
}
