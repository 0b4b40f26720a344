namespace Casto.Discovery.Kad;

/// <summary>
/// Checks records of one namespace (kad-dht §Entry validation): values received by GET_VALUE and PUT_VALUE are
/// validated before they are used or stored. Both methods must be pure.
/// </summary>
public interface IRecordValidator
{
    /// <summary>True when <paramref name="value"/> is a valid value for <paramref name="key"/>.</summary>
    bool Validate(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value);

    /// <summary>The index of the best of several valid values (stable for equal inputs).</summary>
    int SelectBest(ReadOnlySpan<byte> key, IReadOnlyList<byte[]> values);
}
