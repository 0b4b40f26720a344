// Spec: https://www.rfc-editor.org/rfc/rfc1035#section-4.1.4 (message compression)
using System.Buffers.Binary;
using System.Text;

namespace Casto.Discovery.Dns;

/// <summary>
/// Writes one message into a span of at most <see cref="DnsOptions.MaxMessageSize"/> bytes. Every name suffix
/// already written at an offset below 0x4000 is reused through a pointer (case-insensitive, RFC 1035 §4.1.4).
/// </summary>
internal ref struct DnsWriter
{
    private readonly Span<byte> _buffer;
    private readonly DnsOptions _options;
    private readonly Dictionary<string, int> _names = new(StringComparer.OrdinalIgnoreCase);

    public DnsWriter(Span<byte> buffer, DnsOptions options)
    {
        _buffer = buffer;
        _options = options;
    }

    public int Position { get; private set; }

    public void WriteMessage(DnsMessage message)
    {
        if (message.Questions.Count > _options.MaxQuestions
            || message.Answers.Count + message.Authorities.Count + message.Additionals.Count > _options.MaxRecords)
        {
            throw new DnsException(DnsError.TooManyRecords, "message has more questions or records than DnsOptions allows");
        }

        WriteUInt16(message.Id);
        WriteUInt16(message.Flags);
        WriteUInt16((ushort)message.Questions.Count);
        WriteUInt16((ushort)message.Answers.Count);
        WriteUInt16((ushort)message.Authorities.Count);
        WriteUInt16((ushort)message.Additionals.Count);
        foreach (var question in message.Questions)
        {
            WriteName(question.Name);
            WriteUInt16((ushort)question.Type);
            WriteUInt16(question.Class);
        }

        foreach (var section in (ReadOnlySpan<IReadOnlyList<DnsRecord>>)[message.Answers, message.Authorities, message.Additionals])
        {
            foreach (var record in section)
            {
                WriteRecord(record);
            }
        }
    }

    private void WriteRecord(DnsRecord record)
    {
        WriteName(record.Name);
        WriteUInt16((ushort)record.Type);
        WriteUInt16(record.Class);
        WriteUInt32(record.Ttl);
        var lengthAt = Position;
        WriteUInt16(0);
        switch (record)
        {
            case DnsPtrRecord ptr:
                WriteName(ptr.Target);
                break;
            case DnsTxtRecord txt:
                WriteTxt(txt);
                break;
            case DnsAddressRecord address:
                Reserve(address.Type == DnsRecordType.A ? 4 : 16, out var span);
                address.Address.TryWriteBytes(span, out _);
                break;
            case DnsSrvRecord srv:
                WriteUInt16(srv.Priority);
                WriteUInt16(srv.Weight);
                WriteUInt16(srv.Port);
                WriteName(srv.Target);
                break;
            case DnsRawRecord raw:
                Reserve(raw.Data.Length, out var data);
                raw.Data.Span.CopyTo(data);
                break;
            default:
                throw new ArgumentException($"unknown record kind {record.GetType().Name}", nameof(record));
        }

        BinaryPrimitives.WriteUInt16BigEndian(_buffer[lengthAt..], (ushort)(Position - lengthAt - 2));
    }

    private void WriteTxt(DnsTxtRecord txt)
    {
        if (txt.Strings.Count > _options.MaxTxtStrings)
        {
            throw new DnsException(DnsError.InvalidRecordData, $"TXT record has more than {_options.MaxTxtStrings} strings");
        }

        foreach (var s in txt.Strings)
        {
            if (s.Length > 255)
            {
                throw new DnsException(DnsError.InvalidRecordData, $"TXT string of {s.Length} bytes (at most 255)");
            }

            Reserve(1 + s.Length, out var span);
            span[0] = (byte)s.Length;
            s.Span.CopyTo(span[1..]);
        }
    }

    private void WriteName(string name)
    {
        var labels = DnsName.Split(name);
        for (var i = 0; i < labels.Count; i++)
        {
            var key = Key(labels, i);
            if (_names.TryGetValue(key, out var offset))
            {
                WriteUInt16((ushort)(0xC000 | offset));
                return;
            }

            if (Position < 0x4000)
            {
                _names[key] = Position;
            }

            Reserve(1 + labels[i].Length, out var span);
            span[0] = (byte)labels[i].Length;
            labels[i].CopyTo(span[1..]);
        }

        Reserve(1, out var root);
        root[0] = 0;
    }

    private static string Key(List<byte[]> labels, int from)
    {
        var builder = new StringBuilder();
        for (var i = from; i < labels.Count; i++)
        {
            builder.Append(Encoding.UTF8.GetString(labels[i])).Append('\0');
        }

        return builder.ToString();
    }

    private void WriteUInt16(ushort value)
    {
        Reserve(2, out var span);
        BinaryPrimitives.WriteUInt16BigEndian(span, value);
    }

    private void WriteUInt32(uint value)
    {
        Reserve(4, out var span);
        BinaryPrimitives.WriteUInt32BigEndian(span, value);
    }

    private void Reserve(int length, out Span<byte> span)
    {
        if (Position + length > _buffer.Length)
        {
            throw new DnsException(DnsError.MessageTooLarge, $"message exceeds {_buffer.Length} bytes");
        }

        span = _buffer.Slice(Position, length);
        Position += length;
    }
}
