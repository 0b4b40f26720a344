namespace Casto.Discovery.Kad;

/// <summary>Validated records by key, with the time each was received; bounded, expired after <see cref="KadDhtOptions.RecordValidity"/>.</summary>
internal sealed class RecordStore(KadDhtOptions options)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (byte[] Value, DateTimeOffset Received)> _records = new(StringComparer.Ordinal);
    private long _dropped;

    public long Dropped => Interlocked.Read(ref _dropped);

    public bool Put(ReadOnlySpan<byte> key, byte[] value)
    {
        var name = Convert.ToHexString(key);
        lock (_lock)
        {
            if (!_records.ContainsKey(name) && _records.Count >= options.MaxRecords)
            {
                Prune();
                if (_records.Count >= options.MaxRecords)
                {
                    Interlocked.Increment(ref _dropped);
                    return false;
                }
            }

            _records[name] = (value, options.TimeProvider.GetUtcNow());
            return true;
        }
    }

    public (byte[] Value, DateTimeOffset Received)? Get(ReadOnlySpan<byte> key)
    {
        var now = options.TimeProvider.GetUtcNow();
        lock (_lock)
        {
            return _records.TryGetValue(Convert.ToHexString(key), out var record) && now - record.Received < options.RecordValidity
                ? record
                : null;
        }
    }

    public void Prune()
    {
        var now = options.TimeProvider.GetUtcNow();
        lock (_lock)
        {
            foreach (var key in _records.Where(r => now - r.Value.Received >= options.RecordValidity).Select(r => r.Key).ToList())
            {
                _records.Remove(key);
            }
        }
    }
}
