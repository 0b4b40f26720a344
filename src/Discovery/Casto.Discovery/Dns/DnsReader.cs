// Spec: https://www.rfc-editor.org/rfc/rfc1035#section-4.1.4 (message compression)
using System.Buffers.Binary;
using System.Net;

namespace Casto.Discovery.Dns;

/// <summary>
/// Reads one message from a datagram. Names are decompressed with three guards: every pointer must point
/// strictly before the lowest offset read so far for that name (so no loop or forward pointer can be followed),
/// at most <see cref="DnsOptions.MaxPointerJumps"/> jumps, and at most 255 bytes of name.
/// </summary>
internal ref partial struct DnsReader
{
    private readonly ReadOnlySpan<byte> _packet;
    private readonly DnsOptions _options;
    private int _position;

    public DnsReader(ReadOnlySpan<byte> packet, DnsOptions options)
    {
        _packet = packet;
        _options = options;
    }

    public DnsMessage ReadMessage()
    {
        if (_packet.Length > _options.MaxMessageSize)
        {
            throw new DnsException(DnsError.MessageTooLarge, $"message of {_packet.Length} bytes exceeds {_options.MaxMessageSize}");
        }

        var id = ReadUInt16();
        var flags = ReadUInt16();
        int qd = ReadUInt16(), an = ReadUInt16(), ns = ReadUInt16(), ar = ReadUInt16();
        if (qd > _options.MaxQuestions)
        {
            throw new DnsException(DnsError.TooManyRecords, $"{qd} questions exceed {_options.MaxQuestions}");
        }

        if (an + ns + ar > _options.MaxRecords)
        {
            throw new DnsException(DnsError.TooManyRecords, $"{an + ns + ar} records exceed {_options.MaxRecords}");
        }

        var questions = new DnsQuestion[qd];
        for (var i = 0; i < qd; i++)
        {
            questions[i] = new DnsQuestion(ReadName(), (DnsRecordType)ReadUInt16(), ReadUInt16());
        }

        return new DnsMessage(id, flags, questions, ReadRecords(an), ReadRecords(ns), ReadRecords(ar));
    }

    private DnsRecord[] ReadRecords(int count)
    {
        var records = new DnsRecord[count];
        for (var i = 0; i < count; i++)
        {
            records[i] = ReadRecord();
        }

        return records;
    }

    private DnsRecord ReadRecord()
    {
        var name = ReadName();
        var type = (DnsRecordType)ReadUInt16();
        var @class = ReadUInt16();
        var ttl = ReadUInt32();
        int length = ReadUInt16();
        var end = _position + length;
        if (end > _packet.Length)
        {
            throw new DnsException(DnsError.Truncated, "record data runs past the end of the message");
        }

        DnsRecord record = type switch
        {
            DnsRecordType.Ptr => new DnsPtrRecord(name, ttl, ReadName(), @class),
            DnsRecordType.Txt => new DnsTxtRecord(name, ttl, ReadTxt(end), @class),
            DnsRecordType.A or DnsRecordType.Aaaa => new DnsAddressRecord(name, ttl, ReadAddress(type, length), @class),
            DnsRecordType.Srv => new DnsSrvRecord(name, ttl, ReadUInt16(), ReadUInt16(), ReadUInt16(), ReadName(), @class),
            _ => new DnsRawRecord(name, ttl, type, ReadBytes(length), @class),
        };
        if (_position != end)
        {
            throw new DnsException(DnsError.InvalidRecordData, $"{type} record data does not fill its {length} bytes");
        }

        return record;
    }

    private ReadOnlyMemory<byte>[] ReadTxt(int end)
    {
        var strings = new List<ReadOnlyMemory<byte>>();
        while (_position < end)
        {
            if (strings.Count == _options.MaxTxtStrings)
            {
                throw new DnsException(DnsError.InvalidRecordData, $"TXT record has more than {_options.MaxTxtStrings} strings");
            }

            int length = _packet[_position++];
            if (_position + length > end)
            {
                throw new DnsException(DnsError.InvalidRecordData, "TXT string runs past its record");
            }

            strings.Add(ReadBytes(length));
        }

        return [.. strings];
    }

    private IPAddress ReadAddress(DnsRecordType type, int length)
    {
        if (length != (type == DnsRecordType.A ? 4 : 16))
        {
            throw new DnsException(DnsError.InvalidRecordData, $"{type} record of {length} bytes");
        }

        return new IPAddress(ReadBytes(length).Span);
    }

    private ReadOnlyMemory<byte> ReadBytes(int length) => Take(length).ToArray();

    private ushort ReadUInt16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    private uint ReadUInt32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    private ReadOnlySpan<byte> Take(int length)
    {
        if (_position + length > _packet.Length)
        {
            throw new DnsException(DnsError.Truncated, "message ends early");
        }

        var span = _packet.Slice(_position, length);
        _position += length;
        return span;
    }
}
