using System.Buffers.Binary;

namespace Casto.WebRtc.Rtcp;

/// <summary>Building the compounds we send: regular reports, NACK feedback, PLI, BYE. Every compound starts with SR/RR and carries SDES CNAME.</summary>
internal sealed partial class RtcpSession
{
    /// <summary>The report tick: SR (if we sent RTP within two intervals) or RR, with report blocks, and SDES.</summary>
    public void SendReport()
    {
        RefreshSenderClocks();
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            int length = WriteReport(_buffer, withBlocks: true);
            _sink(_buffer.AsSpan(0, length));
        }
    }

    /// <summary>The feedback tick: for each received stream with packets due, RR + SDES + generic NACK.</summary>
    public void SendFeedback()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            foreach (RtpReceiveStream stream in _remote.Values)
            {
                if (!stream.Feedback || stream.Nack.MissingCount == 0)
                {
                    continue;
                }

                int offset = WriteReport(_buffer, withBlocks: false);
                int nack = stream.Nack.WriteNack(_buffer.AsSpan(offset));
                if (nack == 0)
                {
                    continue;
                }

                _nacksSent++;
                if (GenericNack.TryRead(_buffer.AsSpan(offset, nack), out GenericNack written))
                {
                    for (int i = 0; i < written.Count; i++)
                    {
                        _nackedRequested += written[i].LostCount;
                    }
                }

                _sink(_buffer.AsSpan(0, offset + nack));
            }
        }
    }

    /// <summary>
    /// Writes RR + SDES + PLI for <paramref name="mediaSsrc"/> (0: the last remote SSRC seen) into
    /// <paramref name="destination"/> (at least <see cref="MaxCompoundSize"/> bytes); returns 0 when no remote SSRC is known.
    /// </summary>
    public int WriteKeyFrameRequest(Span<byte> destination, uint mediaSsrc = 0)
    {
        lock (_gate)
        {
            mediaSsrc = mediaSsrc != 0 ? mediaSsrc : _lastRemoteSsrc;
            if (_disposed || mediaSsrc == 0)
            {
                return 0;
            }

            int offset = WriteReport(destination, withBlocks: false);
            offset += new PictureLossIndication(Ssrc, mediaSsrc).Write(destination[offset..]);
            _plisSent++;
            return offset;
        }
    }

    /// <summary>Writes a final report + SDES + BYE for our SSRCs into <paramref name="destination"/> (at least <see cref="MaxCompoundSize"/> bytes).</summary>
    public int WriteBye(Span<byte> destination)
    {
        lock (_gate)
        {
            int offset = WriteReport(destination, withBlocks: true);
            Span<byte> sources = stackalloc byte[4 * (RtcpHeader.MaxCount + 1)];
            int count = 0;
            BinaryPrimitives.WriteUInt32BigEndian(sources, Ssrc);
            count++;
            foreach (uint ssrc in _local.Keys)
            {
                if (ssrc != Ssrc)
                {
                    BinaryPrimitives.WriteUInt32BigEndian(sources[(4 * count++)..], ssrc);
                }
            }

            offset += new Goodbye { Sources = sources[..(4 * count)] }.Write(destination[offset..]);
            return offset;
        }
    }

    /// <summary>SR(s) or RR, then SDES CNAME. Call under the lock.</summary>
    private int WriteReport(Span<byte> destination, bool withBlocks)
    {
        Span<ReceptionReport> blocks = stackalloc ReceptionReport[RtcpHeader.MaxCount];
        int blockCount = 0;
        if (withBlocks)
        {
            foreach (RtpReceiveStream stream in _remote.Values)
            {
                blocks[blockCount++] = stream.MakeReport();
            }
        }

        long now = _time.GetTimestamp();
        long active = 2 * (long)(_options.ReportInterval.TotalSeconds * _time.TimestampFrequency);
        int offset = 0;
        uint reporter = Ssrc;
        foreach (RtpSendStream stream in _local.Values)
        {
            if (now - stream.LastSentAt > active)
            {
                continue;
            }

            if (offset == 0)
            {
                reporter = stream.Ssrc;
            }

            ulong ntpNow = NtpNow();
            offset += new SenderReport
            {
                Ssrc = stream.Ssrc,
                NtpTimestamp = ntpNow,
                RtpTimestamp = SenderRtpTimestamp(stream, ntpNow, now),
                PacketCount = (uint)stream.Packets,
                OctetCount = (uint)stream.Octets,
                Reports = ReportBlocks.FromReports(offset == 0 ? blocks[..blockCount] : []),
            }.Write(destination[offset..]);
            _srSent++;
        }

        if (offset == 0)
        {
            offset = new ReceiverReport { Ssrc = Ssrc, Reports = ReportBlocks.FromReports(blocks[..blockCount]) }.Write(destination);
            _rrSent++;
        }

        offset += SourceDescription.WriteCname(destination[offset..], reporter, _cname);
        return offset;
    }
}
