namespace Casto.WebRtc.Rtcp;

/// <summary>Handling of received compound RTCP: SR/RR report blocks, NACK → retransmission, PLI/FIR → event, BYE.</summary>
internal sealed partial class RtcpSession
{
    /// <summary>
    /// Handles one unprotected compound RTCP packet. A malformed compound is dropped whole and counted in
    /// <see cref="RtcpStats.RtcpDropped"/>; returns false then. Never throws for bad input. Unknown packet types
    /// (APP, transport-cc, REMB…) are skipped. RFC 5506 reduced-size packets (feedback alone) are accepted.
    /// </summary>
    public bool OnRtcp(ReadOnlySpan<byte> compound)
    {
        KeyFrameRequest request = default;
        bool keyFrame = false;
        lock (_gate)
        {
            if (_disposed)
            {
                return false;
            }

            if (!RtcpCompoundReader.IsValid(compound))
            {
                _rtcpDropped++;
                return false;
            }

            _rtcpReceived++;
            ulong ntpNow = NtpNow();
            foreach (RtcpPacket packet in new RtcpCompoundReader(compound))
            {
                switch (packet.Header.Type)
                {
                    case RtcpPacketType.SenderReport when SenderReport.TryRead(packet.Packet, out SenderReport sr):
                        if (_remote.TryGetValue(sr.Ssrc, out RtpReceiveStream? stream))
                        {
                            stream.OnSenderReport(sr.NtpTimestamp);
                        }

                        OnReportBlocks(sr.Reports, ntpNow);
                        break;
                    case RtcpPacketType.ReceiverReport when ReceiverReport.TryRead(packet.Packet, out ReceiverReport rr):
                        OnReportBlocks(rr.Reports, ntpNow);
                        break;
                    case RtcpPacketType.Goodbye:
                        _byesReceived++;
                        break;
                    case RtcpPacketType.TransportFeedback when GenericNack.TryRead(packet.Packet, out GenericNack nack):
                        _nacksReceived++;
                        _responder.OnNack(nack, _resend);
                        break;
                    case RtcpPacketType.PayloadFeedback when PictureLossIndication.TryRead(packet.Packet, out PictureLossIndication pli):
                        _plisReceived++;
                        (request, keyFrame) = (new KeyFrameRequest(pli.MediaSsrc, false), true);
                        break;
                    case RtcpPacketType.PayloadFeedback when FullIntraRequest.TryRead(packet.Packet, out FullIntraRequest fir) && fir.Count > 0:
                        _firsReceived++;
                        (request, keyFrame) = (new KeyFrameRequest(fir[0].Ssrc, true), true);
                        break;
                }
            }
        }

        if (keyFrame)
        {
            KeyFrameRequested?.Invoke(this, request);
        }

        return true;
    }

    private void OnReportBlocks(ReportBlocks blocks, ulong ntpNow)
    {
        for (int i = 0; i < blocks.Count; i++)
        {
            ReceptionReport report = blocks[i];
            if (_local.TryGetValue(report.Ssrc, out RtpSendStream? stream))
            {
                stream.OnReport(report, ntpNow);
            }
        }
    }

    /// <summary>Our wall clock as a 64-bit NTP timestamp (seconds since 1900 in the high word).</summary>
    private ulong NtpNow()
    {
        long ticks = (_time.GetUtcNow() - NtpEpoch).Ticks;
        ulong seconds = (ulong)(ticks / TimeSpan.TicksPerSecond);
        ulong fraction = ((ulong)(ticks % TimeSpan.TicksPerSecond) << 32) / TimeSpan.TicksPerSecond;
        return (seconds << 32) | fraction;
    }

    private static readonly DateTimeOffset NtpEpoch = new(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);
}
