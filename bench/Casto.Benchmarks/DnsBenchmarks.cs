using System.Buffers;
using BenchmarkDotNet.Attributes;
using Casto.Discovery.Dns;

namespace Casto.Benchmarks;

/// <summary>DNS codec costs for the mDNS messages libp2p exchanges: a PTR + 2×TXT response read and written (with compression).</summary>
[MemoryDiagnoser]
public class DnsBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(9000);
    private DnsMessage _response = null!;
    private byte[] _packet = null!;

    [GlobalSetup]
    public void Setup()
    {
        const string instance = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789a._p2p._udp.local";
        var txt = DnsTxtRecord.FromStrings(instance, 120, [
            "dnsaddr=/ip4/10.0.0.1/tcp/4001/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA",
            "dnsaddr=/ip6/fd00::1/tcp/4001/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA"]);
        _response = DnsMessage.Response([new DnsPtrRecord("_p2p._udp.local", 120, instance), txt], [txt]);
        _packet = _response.ToArray();
    }

    [Benchmark]
    public int ReadResponse() => DnsMessage.Read(_packet).Answers.Count;

    [Benchmark]
    public int WriteResponse()
    {
        _output.ResetWrittenCount();
        DnsMessage.Write(_response, _output);
        return _output.WrittenCount;
    }
}
