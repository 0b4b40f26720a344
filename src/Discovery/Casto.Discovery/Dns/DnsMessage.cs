// Spec: https://www.rfc-editor.org/rfc/rfc1035#section-4 (messages, §4.1.4 compression), RFC 6762 (mDNS), RFC 6763 (DNS-SD)
using System.Buffers;

namespace Casto.Discovery.Dns;

/// <summary>
/// A DNS message: header, questions and the three record sections.
/// <code>
/// +---------------------+
/// |        Header       |
/// +---------------------+
/// |       Question      | the question for the name server
/// +---------------------+
/// |        Answer       | RRs answering the question
/// +---------------------+
/// |      Authority      | RRs pointing toward an authority
/// +---------------------+
/// |      Additional     | RRs holding additional information
/// +---------------------+
/// </code>
/// </summary>
public sealed record DnsMessage(
    ushort Id,
    ushort Flags,
    IReadOnlyList<DnsQuestion> Questions,
    IReadOnlyList<DnsRecord> Answers,
    IReadOnlyList<DnsRecord> Authorities,
    IReadOnlyList<DnsRecord> Additionals)
{
    /// <summary>True when QR is set.</summary>
    public bool IsResponse => (Flags & DnsHeader.Response) != 0;

    /// <summary>An mDNS query (id 0, no flags, RFC 6762 §18).</summary>
    public static DnsMessage Query(params DnsQuestion[] questions) => new(0, 0, questions, [], [], []);

    /// <summary>An mDNS response (id 0, QR and AA set, RFC 6762 §18.2, §18.4).</summary>
    public static DnsMessage Response(IReadOnlyList<DnsRecord> answers, IReadOnlyList<DnsRecord>? additionals = null) =>
        new(0, DnsHeader.Response | DnsHeader.Authoritative, [], answers, [], additionals ?? []);

    /// <summary>Decodes one message (a whole UDP datagram); throws <see cref="DnsException"/> when it is malformed.</summary>
    public static DnsMessage Read(ReadOnlySpan<byte> packet, DnsOptions? options = null) =>
        new DnsReader(packet, options ?? DnsOptions.Default).ReadMessage();

    /// <summary>Decodes one message; false (and no exception) when it is malformed.</summary>
    public static bool TryRead(ReadOnlySpan<byte> packet, out DnsMessage? message, DnsOptions? options = null)
    {
        try
        {
            message = Read(packet, options);
            return true;
        }
        catch (DnsException)
        {
            message = null;
            return false;
        }
    }

    /// <summary>Encodes the message with name compression; throws <see cref="DnsException"/> when it does not fit the limits.</summary>
    public static void Write(DnsMessage message, IBufferWriter<byte> output, DnsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(output);
        options ??= DnsOptions.Default;
        var span = output.GetSpan(options.MaxMessageSize)[..options.MaxMessageSize];
        var writer = new DnsWriter(span, options);
        writer.WriteMessage(message);
        output.Advance(writer.Position);
    }

    /// <summary>Encodes the message into a new array.</summary>
    public byte[] ToArray(DnsOptions? options = null)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        Write(this, buffer, options);
        return buffer.WrittenSpan.ToArray();
    }
}
