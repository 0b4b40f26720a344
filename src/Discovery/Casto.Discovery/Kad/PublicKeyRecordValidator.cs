using Casto.Stack.Identity;

namespace Casto.Discovery.Kad;

/// <summary>
/// <c>/pk/&lt;multihash&gt;</c> records: the value is a protobuf <c>PublicKey</c> whose peer id multihash equals the
/// key's. All valid values are the same key, so <see cref="SelectBest"/> takes the first.
/// </summary>
public sealed class PublicKeyRecordValidator : IRecordValidator
{
    /// <inheritdoc />
    public bool Validate(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (key.Length < 5 || !key.StartsWith("/pk/"u8))
        {
            return false;
        }

        try
        {
            return PublicKey.FromProtobuf(value).ToPeerId().Bytes.SequenceEqual(key[4..]);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public int SelectBest(ReadOnlySpan<byte> key, IReadOnlyList<byte[]> values) => 0;
}
