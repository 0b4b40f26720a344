using BenchmarkDotNet.Attributes;
using Casto.Stack.Identity;

namespace Casto.Benchmarks;

/// <summary>Signing and verification per key type (one of each per handshake).</summary>
[MemoryDiagnoser]
public class IdentityBenchmarks
{
    private readonly byte[] _message = new byte[64];
    private PrivateKey _key = null!;
    private byte[] _signature = [];

    [Params(KeyType.Ed25519, KeyType.Secp256k1, KeyType.Ecdsa, KeyType.Rsa)]
    public KeyType Type { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _key = PrivateKey.Generate(Type);
        _signature = _key.Sign(_message);
    }

    [GlobalCleanup]
    public void Cleanup() => _key.Dispose();

    [Benchmark]
    public byte[] Sign() => _key.Sign(_message);

    [Benchmark]
    public bool Verify() => _key.PublicKey.Verify(_message, _signature);
}
