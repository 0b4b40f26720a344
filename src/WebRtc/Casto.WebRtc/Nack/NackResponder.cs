// Spec: https://www.rfc-editor.org/rfc/rfc4585#section-6.2.1 (generic NACK), https://www.rfc-editor.org/rfc/rfc4588 (retransmission)
using System.Buffers.Binary;
using Casto.WebRtc.Rtcp;
using Casto.WebRtc.Rtp;

namespace Casto.WebRtc.Nack;

/// <summary>Receives one packet by span (no allocation per call).</summary>
internal delegate void RtpPacketHandler(ReadOnlySpan<byte> packet);

/// <summary>Limits for a <see cref="NackResponder"/>.</summary>
internal sealed class NackResponderOptions
{
    /// <summary>Packets kept per SSRC (power of two). Default 1024.</summary>
    public int HistorySize { get; init; } = 1024;

    /// <summary>Largest packet stored. Default 1500.</summary>
    public int MaxPacketSize { get; init; } = 1500;

    /// <summary>SSRCs tracked; packets of further SSRCs are not stored. Default 16.</summary>
    public int MaxStreams { get; init; } = 16;

    /// <summary>A packet is not resent again within this interval (duplicate NACKs). Default 0.</summary>
    public TimeSpan MinResendInterval { get; init; } = TimeSpan.Zero;
}

/// <summary>
/// The sender side of NACK: remembers sent packets per SSRC (<see cref="RtpSendHistory"/>) and answers generic
/// NACKs by handing the stored packets back to the caller for retransmission (same SSRC and sequence number,
/// i.e. no RTX stream). One instance per downstream link; not thread-safe.
/// </summary>
internal sealed class NackResponder : IDisposable
{
    private readonly NackResponderOptions _options;
    private readonly TimeProvider _time;
    private readonly long _minResend;
    private readonly Dictionary<uint, RtpSendHistory> _histories = [];

    /// <summary>Creates a responder.</summary>
    public NackResponder(NackResponderOptions? options = null, TimeProvider? time = null)
    {
        _options = options ?? new NackResponderOptions();
        _time = time ?? TimeProvider.System;
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxStreams, 1);
        _minResend = (long)(_options.MinResendInterval.TotalSeconds * _time.TimestampFrequency);
    }

    /// <summary>Packets resent so far.</summary>
    public long Retransmitted { get; private set; }

    /// <summary>NACKed packets no longer (or never) in the history.</summary>
    public long Missed { get; private set; }

    /// <summary>Records a packet as sent. False when it is not RTP, too large, or its SSRC exceeds <see cref="NackResponderOptions.MaxStreams"/>.</summary>
    public bool OnSent(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < RtpHeader.FixedSize || (packet[0] >> 6) != RtpHeader.Version)
        {
            return false;
        }

        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
        if (!_histories.TryGetValue(ssrc, out RtpSendHistory? history))
        {
            if (_histories.Count >= _options.MaxStreams)
            {
                return false;
            }

            history = new RtpSendHistory(_options.HistorySize, _options.MaxPacketSize);
            _histories.Add(ssrc, history);
        }

        return history.Store(packet);
    }

    /// <summary>Forgets an SSRC (e.g. after BYE) and returns its buffer to the pool.</summary>
    public void Remove(uint ssrc)
    {
        if (_histories.Remove(ssrc, out RtpSendHistory? history))
        {
            history.Dispose();
        }
    }

    /// <summary>Resends every stored packet <paramref name="nack"/> asks for; returns how many were resent.</summary>
    public int OnNack(in GenericNack nack, RtpPacketHandler resend)
    {
        ArgumentNullException.ThrowIfNull(resend);
        if (!_histories.TryGetValue(nack.MediaSsrc, out RtpSendHistory? history))
        {
            return 0;
        }

        long now = _time.GetTimestamp();
        int sent = 0;
        Span<ushort> lost = stackalloc ushort[17];
        for (int i = 0; i < nack.Count; i++)
        {
            int n = nack[i].CopyLost(lost);
            for (int j = 0; j < n; j++)
            {
                if (history.TryTakeForResend(lost[j], now, _minResend, out ReadOnlySpan<byte> packet))
                {
                    resend(packet);
                    sent++;
                }
                else
                {
                    Missed++;
                }
            }
        }

        Retransmitted += sent;
        return sent;
    }

    /// <summary>Handles every generic NACK in a compound RTCP datagram; returns the packets resent.</summary>
    public int OnRtcp(ReadOnlySpan<byte> compound, RtpPacketHandler resend)
    {
        int sent = 0;
        var reader = new RtcpCompoundReader(compound);
        while (reader.TryReadNext(out RtcpPacket packet))
        {
            if (GenericNack.TryRead(packet.Packet, out GenericNack nack))
            {
                sent += OnNack(nack, resend);
            }
        }

        return sent;
    }

    /// <summary>Returns all buffers to the pool.</summary>
    public void Dispose()
    {
        foreach (RtpSendHistory history in _histories.Values)
        {
            history.Dispose();
        }

        _histories.Clear();
    }
}
