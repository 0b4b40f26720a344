// Spec: https://www.rfc-editor.org/rfc/rfc1035#section-4.1.4 (message compression)
using System.Text;

namespace Casto.Discovery.Dns;

/// <summary>Reading names: labels and compression pointers.</summary>
internal ref partial struct DnsReader
{
    private string ReadName()
    {
        var builder = new StringBuilder();
        var position = _position;
        var lowest = _position;
        var jumped = false;
        var jumps = 0;
        var wireLength = 1;
        while (true)
        {
            if (position >= _packet.Length)
            {
                throw new DnsException(DnsError.Truncated, "name runs past the end of the message");
            }

            int length = _packet[position];
            if (length == 0)
            {
                position++;
                break;
            }

            if ((length & 0xC0) == 0xC0)
            {
                if (position + 1 >= _packet.Length)
                {
                    throw new DnsException(DnsError.Truncated, "compression pointer cut short");
                }

                var target = ((length & 0x3F) << 8) | _packet[position + 1];
                if (target >= lowest || ++jumps > _options.MaxPointerJumps)
                {
                    throw new DnsException(DnsError.InvalidPointer, $"compression pointer to {target} from {position}");
                }

                if (!jumped)
                {
                    _position = position + 2;
                    jumped = true;
                }

                lowest = position = target;
                continue;
            }

            if ((length & 0xC0) != 0)
            {
                throw new DnsException(DnsError.InvalidLabel, $"label prefix 0x{length:x2} is reserved");
            }

            wireLength += length + 1;
            if (wireLength > 255)
            {
                throw new DnsException(DnsError.NameTooLong, "name longer than 255 bytes");
            }

            if (position + 1 + length > _packet.Length)
            {
                throw new DnsException(DnsError.Truncated, "label runs past the end of the message");
            }

            if (builder.Length > 0)
            {
                builder.Append('.');
            }

            DnsName.AppendLabel(builder, _packet.Slice(position + 1, length));
            position += length + 1;
        }

        if (!jumped)
        {
            _position = position;
        }

        return builder.ToString();
    }
}
