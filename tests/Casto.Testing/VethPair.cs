namespace Casto.Testing;

/// <summary>Two network namespaces joined by a veth pair on a random /24 (A is .1, B is .2); deleted on dispose.</summary>
public sealed class VethPair : IAsyncDisposable
{
    private VethPair(NetworkNamespace a, NetworkNamespace b, string ipA, string ipB, string interfaceA, string interfaceB) =>
        (A, B, IpA, IpB, InterfaceA, InterfaceB) = (a, b, ipA, ipB, interfaceA, interfaceB);

    public NetworkNamespace A { get; }

    public NetworkNamespace B { get; }

    public string IpA { get; }

    public string IpB { get; }

    public string InterfaceA { get; }

    public string InterfaceB { get; }

    /// <summary>Creates both namespaces and the link; fails (naming what is missing) where namespaces cannot be made.</summary>
    public static async Task<VethPair> CreateAsync(string tag)
    {
        NetworkNamespace.EnsureAvailable();
        var subnet = NetworkNamespace.RandomSubnet();
        var a = await NetworkNamespace.CreateAsync(tag);
        NetworkNamespace? b = null;
        try
        {
            b = await NetworkNamespace.CreateAsync(tag);
            var (ifA, ifB) = await NetworkNamespace.ConnectAsync(a, b, subnet + ".1/24", subnet + ".2/24");
            return new VethPair(a, b, subnet + ".1", subnet + ".2", ifA, ifB);
        }
        catch
        {
            await a.DisposeAsync();
            if (b is not null)
            {
                await b.DisposeAsync();
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
    }
}
