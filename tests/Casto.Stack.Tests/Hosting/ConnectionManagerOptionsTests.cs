using Casto.Stack.Hosting;
using Casto.Stack.Identity;

namespace Casto.Stack.Tests.Hosting;

/// <summary>Connection manager options and protection bounds.</summary>
public sealed class ConnectionManagerOptionsTests
{
    [Fact]
    public void Defaults_are_valid_and_documented_values()
    {
        var options = new ConnectionManagerOptions();
        options.Validate(256);
        Assert.Equal((160, 192), (options.LowWater, options.HighWater));
        Assert.Equal((TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(60)), (options.GracePeriod, options.IdleTimeout));
    }

    public static TheoryData<string, Action<ConnectionManagerOptions>> Bad => new()
    {
        { "LowWater", o => o.LowWater = o.HighWater + 1 },
        { "LowWater", o => o.LowWater = -1 },
        { "HighWater", o => (o.LowWater, o.HighWater) = (10, 257) },
        { "HighWater", o => (o.LowWater, o.HighWater) = (0, 0) },
        { "GracePeriod", o => o.GracePeriod = TimeSpan.FromSeconds(-1) },
        { "IdleTimeout", o => o.IdleTimeout = TimeSpan.FromSeconds(-1) },
        { "CheckInterval", o => o.CheckInterval = TimeSpan.Zero },
        { "DrainTimeout", o => o.DrainTimeout = TimeSpan.Zero },
        { "MaxTagsPerPeer", o => o.MaxTagsPerPeer = 0 },
        { "MaxProtectedPeers", o => o.MaxProtectedPeers = 0 },
        { "MaxTagLength", o => o.MaxTagLength = 0 },
    };

    [Theory]
    [MemberData(nameof(Bad))]
    public void Bad_combinations_are_rejected(string parameter, Action<ConnectionManagerOptions> spoil)
    {
        var options = new ConnectionManagerOptions();
        spoil(options);
        Assert.Equal(parameter, Assert.Throws<ArgumentOutOfRangeException>(() => options.Validate(256)).ParamName);
    }

    [Fact]
    public void Off_switches_and_edge_values_are_accepted()
    {
        new ConnectionManagerOptions { IdleTimeout = null }.Validate(256);
        new ConnectionManagerOptions { IdleTimeout = TimeSpan.Zero, GracePeriod = TimeSpan.Zero }.Validate(256);
        new ConnectionManagerOptions { LowWater = 0, HighWater = 1 }.Validate(1);
        new ConnectionManagerOptions { LowWater = 256, HighWater = 256 }.Validate(256);
    }

    [Fact]
    public void Host_options_check_the_watermarks_against_MaxConnections()
    {
        var options = HostDefaults.Create(PrivateKey.Generate());
        options.MaxConnections = 100; // below the default high watermark of 192
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => CastoHost.StartAsync(options).AsTask().GetAwaiter().GetResult());
        Assert.Equal("HighWater", ex.ParamName);
        options.ConnectionManager = null!;
        Assert.Throws<ArgumentNullException>(() => CastoHost.StartAsync(options).AsTask().GetAwaiter().GetResult());
    }

    [Fact]
    public async Task Protection_tags_and_peers_are_bounded()
    {
        var options = HostDefaults.Create(PrivateKey.Generate());
        (options.ConnectionManager.MaxTagsPerPeer, options.ConnectionManager.MaxProtectedPeers, options.ConnectionManager.MaxTagLength) = (2, 2, 8);
        await using var host = await CastoHost.StartAsync(options);
        var (p, q, r) = (PrivateKey.Generate().PeerId, PrivateKey.Generate().PeerId, PrivateKey.Generate().PeerId);
        host.Protect(p, "a");
        host.Protect(p, "a"); // same tag: no second slot
        host.Protect(p, "b");
        Assert.Equal(HostError.LimitReached, Assert.Throws<HostException>(() => host.Protect(p, "c")).Error);
        Assert.True(host.IsProtected(p, "b") && !host.IsProtected(p, "c"));
        host.Protect(q, "a");
        Assert.Equal(HostError.LimitReached, Assert.Throws<HostException>(() => host.Protect(r, "a")).Error);
        Assert.Throws<ArgumentException>(() => host.Protect(r, "much-too-long"));
        Assert.False(host.Unprotect(q, "a"));
        host.Protect(r, "a"); // q's slot was freed
        Assert.False(host.Unprotect(q, "never"));
        Assert.True(host.IsProtected(r));
    }
}
