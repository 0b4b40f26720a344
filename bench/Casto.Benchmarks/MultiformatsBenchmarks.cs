using BenchmarkDotNet.Attributes;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using Casto.Stack.Multiformats;

namespace Casto.Benchmarks;

/// <summary>Codec costs of the foundation types: varints are per-frame, the rest per connection or message.</summary>
[MemoryDiagnoser]
public class MultiformatsBenchmarks
{
    private const string AddressText = "/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA";
    private readonly byte[] _varint = [0xff, 0xff, 0x03];
    private readonly byte[] _buffer = new byte[VarInt.MaxLength];
    private byte[] _addressBytes = [];
    private Multiaddr _address = Multiaddr.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _address = Multiaddr.Parse(AddressText);
        _addressBytes = _address.Bytes.ToArray();
    }

    [Benchmark]
    public ulong VarIntRead() => VarInt.TryRead(_varint, out var value, out _) ? value : 0;

    [Benchmark]
    public int VarIntWrite() => VarInt.Write(65535, _buffer);

    [Benchmark]
    public Multiaddr MultiaddrParse() => Multiaddr.Parse(AddressText);

    [Benchmark]
    public Multiaddr MultiaddrFromBytes() => Multiaddr.FromBytes(_addressBytes);

    [Benchmark]
    public string MultiaddrToString() => Multiaddr.FromBytes(_addressBytes).ToString();

    [Benchmark]
    public PeerId PeerIdParse() => PeerId.Parse("12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA");
}
