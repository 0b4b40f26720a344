using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace Casto.Testing;

/// <summary>
/// A Linux network namespace created for one test (<c>ip netns add casto-&lt;tag&gt;-&lt;random&gt;</c>) and deleted on
/// dispose, with its <c>lo</c> up. Join two with <see cref="ConnectAsync"/> (a veth pair, one /24 address each) and run
/// programs inside with <see cref="StartInfo"/> or <see cref="RunAsync"/>. Needs root and iproute2:
/// <see cref="EnsureAvailable"/> fails a test that cannot have them, naming what is missing.
/// </summary>
public sealed class NetworkNamespace : IAsyncDisposable
{
    private bool _deleted;

    private NetworkNamespace(string name) => Name = name;

    /// <summary>The namespace name.</summary>
    public string Name { get; }

    /// <summary>Null when namespaces can be made here, else why not (not root, no <c>ip</c>).</summary>
    public static string? Unavailable
    {
        get
        {
            if (!OperatingSystem.IsLinux())
            {
                return "network namespaces need Linux";
            }

            if (Environment.UserName != "root" && Environment.GetEnvironmentVariable("USER") != "root")
            {
                return "network namespaces need root";
            }

            return File.Exists("/usr/sbin/ip") || File.Exists("/sbin/ip") || File.Exists("/usr/bin/ip") || File.Exists("/bin/ip")
                ? null : "iproute2 (ip) is not installed";
        }
    }

    /// <summary>Throws, saying what is missing (Linux, root, iproute2), when namespaces cannot be made here.</summary>
    public static void EnsureAvailable()
    {
        if (Unavailable is { } why)
        {
            throw new InvalidOperationException($"This test needs network namespaces, but {why}: run ./test.sh as root (it installs iproute2).");
        }
    }

    /// <summary>Creates a namespace named <c>casto-&lt;tag&gt;-&lt;8 hex&gt;</c> with loopback up.</summary>
    public static async Task<NetworkNamespace> CreateAsync(string tag = "test")
    {
        EnsureAvailable();
        var ns = new NetworkNamespace($"casto-{tag}-{RandomNumberGenerator.GetHexString(8, lowercase: true)}");
        await Ip("netns", "add", ns.Name);
        try
        {
            await ns.IpAsync("link", "set", "lo", "up");
        }
        catch
        {
            await ns.DisposeAsync();
            throw;
        }

        return ns;
    }

    /// <summary>
    /// Joins <paramref name="a"/> and <paramref name="b"/> with a veth pair, gives the ends <paramref name="addressA"/>
    /// and <paramref name="addressB"/> (CIDR, e.g. 10.5.6.1/24), brings them up and routes 224.0.0.0/4 and ff00::/8
    /// over them (so programs that pick the default multicast interface work). Returns the interface names.
    /// </summary>
    public static async Task<(string InterfaceA, string InterfaceB)> ConnectAsync(NetworkNamespace a, NetworkNamespace b, string addressA, string addressB)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var id = RandomNumberGenerator.GetHexString(6, lowercase: true);
        string ifA = $"cv{id}a", ifB = $"cv{id}b";
        await Ip("link", "add", ifA, "netns", a.Name, "type", "veth", "peer", "name", ifB, "netns", b.Name);
        foreach (var (ns, name, address) in new[] { (a, ifA, addressA), (b, ifB, addressB) })
        {
            await ns.IpAsync("addr", "add", address, "dev", name);
            await ns.IpAsync("link", "set", name, "up");
            await ns.IpAsync("route", "add", "224.0.0.0/4", "dev", name);
        }

        return (ifA, ifB);
    }

    /// <summary>Runs <c>ip ARGS</c> inside the namespace (<c>ip -n NAME ARGS</c>); throws if it fails.</summary>
    public Task IpAsync(params string[] arguments) => Ip(["-n", Name, .. arguments]);

    /// <summary>Runs a program inside the namespace to completion.</summary>
    public Task<ProcessResult> RunAsync(string fileName, IEnumerable<string> arguments, string? workingDirectory = null, TimeSpan? timeout = null) =>
        ProcessRunner.RunAsync("ip", ["netns", "exec", Name, fileName, .. arguments], workingDirectory, timeout);

    /// <summary>A start info running <paramref name="fileName"/> inside the namespace (<c>ip netns exec</c> execs it, so the pid is the program's).</summary>
    public ProcessStartInfo StartInfo(string fileName, params string[] arguments)
    {
        var info = new ProcessStartInfo("ip")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["netns", "exec", Name, fileName, .. arguments])
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    /// <summary>Deletes the namespace (its veth ends go with it). Programs still inside should be stopped first.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_deleted)
        {
            return;
        }

        _deleted = true;
        await ProcessRunner.RunAsync("ip", ["netns", "del", Name]);
    }

    /// <summary>A random 10.x.y.0/24 prefix ("10.x.y") so concurrent tests do not collide.</summary>
    public static string RandomSubnet() =>
        string.Create(CultureInfo.InvariantCulture, $"10.{RandomNumberGenerator.GetInt32(100, 250)}.{RandomNumberGenerator.GetInt32(1, 250)}");

    private static async Task Ip(params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync("ip", arguments);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', arguments)} failed: {result.StdErr}");
        }
    }
}
