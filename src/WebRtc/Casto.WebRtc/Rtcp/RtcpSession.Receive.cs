namespace Casto.WebRtc.Rtcp;

/// <summary>Handling of received compound RTCP: SR/RR report blocks, NACK → retransmission, PLI/FIR → event, BYE.</summary>
internal sealed partial class RtcpSession
{
    /// <summary>Sequence numbers handed out per received compound at most (one receive thread uses the scratch).</summary>
    private const int MaxExternalNacks = 256;

    private readonly uint[] _nackSsrcs = new uint[MaxExternalNacks];
    private readonly ushort[] _nackSeqs = new ushort[MaxExternalNacks];
    private long _externalNackOverflow;

    /// <summary>
    /// Handles one unprotected compound RTCP packet. A malformed compound is dropped whole and counted in
    /// <see cref="RtcpStats.RtcpDropped"/>; returns false then. Never throws for bad input. Unknown packet types
    /// (APP, transport-cc, REMB…) are skipped. RFC 5506 reduced-size packets (feedback alone) are accepted.
    /// </summary>
    public bool OnRtcp(ReadOnlySpan<byte> compound)
    {
        KeyFrameRequest request = default;
        bool keyFrame = false;
        uint? bye = null;
        int external = 0;
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
                            stream.OnSenderReport(sr.NtpTimestamp, sr.RtpTimestamp);
                        }

                        OnReportBlocks(sr.Reports, ntpNow);
                        break;
                    case RtcpPacketType.ReceiverReport when ReceiverReport.TryRead(packet.Packet, out ReceiverReport rr):
                        OnReportBlocks(rr.Reports, ntpNow);
                        break;
                    case RtcpPacketType.Goodbye:
                        _byesReceived++;
                        if (Goodbye.TryRead(packet.Packet, out Goodbye goodbye) && goodbye.SourceCount > 0)
                        {
                            bye ??= goodbye.GetSource(0);
                        }

                        break;
                    case RtcpPacketType.TransportFeedback when GenericNack.TryRead(packet.Packet, out GenericNack nack):
                        _nacksReceived++;
                        if (_responder is not null)
                        {
                            _responder.OnNack(nack, _resend);
                        }
                        else
                        {
                            external = CollectNack(nack, external);
                        }

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

        if (external > 0)
        {
            DeliverNacks(external);
        }

        if (keyFrame)
        {
            KeyFrameRequested?.Invoke(this, request);
        }

        if (bye is uint byeSsrc)
        {
            ByeReceived?.Invoke(this, byeSsrc);
        }

        return true;
    }

    /// <summary>Under the lock: appends the NACK's lost sequence numbers (bounded; the rest are counted as missed).</summary>
    private int CollectNack(in GenericNack nack, int count)
    {
        Span<ushort> lost = stackalloc ushort[17];
        for (int i = 0; i < nack.Count; i++)
        {
            int n = nack[i].CopyLost(lost);
            for (int j = 0; j < n; j++)
            {
                if (count == _nackSeqs.Length)
                {
                    _externalNackOverflow++;
                    continue;
                }

                _nackSsrcs[count] = nack.MediaSsrc;
                _nackSeqs[count++] = lost[j];
            }
        }

        return count;
    }

    /// <summary>Outside the lock: hands the collected sequence numbers to <see cref="NackReceived"/>, one call per SSRC run.</summary>
    private void DeliverNacks(int count)
    {
        RtcpNackHandler? handler = NackReceived;
        int start = 0;
        for (int i = 1; i <= count; i++)
        {
            if (i == count || _nackSsrcs[i] != _nackSsrcs[start])
            {
                handler?.Invoke(_nackSsrcs[start], _nackSeqs.AsSpan(start, i - start));
                start = i;
            }
        }
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
        return RtpClockMapping.ToNtp(_time.GetUtcNow());
    }
}
