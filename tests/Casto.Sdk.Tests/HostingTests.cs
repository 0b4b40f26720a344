using Casto.Sdk;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Casto.Sdk.Tests;

public sealed class HostingTests
{
    [Fact]
    public async Task AddCastoWatchesTheConfiguredStreamAndReportsHealth()
    {
        using var cts = Loopback.Timeout();
        await using var publisher = await Loopback.PublishClipAsync("hosted", cts.Token);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Casto:Stream"] = "hosted",
            ["Casto:Mdns"] = "false",
            ["Casto:ListenAddresses:0"] = "/ip4/127.0.0.1/tcp/0",
            ["Casto:BootstrapPeers:0"] = publisher.Addresses[0],
        });
        builder.Services.AddCasto(builder.Configuration);
        using IHost host = builder.Build();
        var health = host.Services.GetRequiredService<HealthCheckService>();
        var viewer = host.Services.GetRequiredService<CastoViewer>();
        Assert.Same(host.Services.GetRequiredService<CastoClient>().Options, host.Services.GetRequiredService<CastoOptions>());
        Assert.Equal("hosted", host.Services.GetRequiredService<CastoOptions>().Stream);
        Assert.Equal(HealthStatus.Unhealthy, (await health.CheckHealthAsync(cts.Token)).Status); // not started

        await host.StartAsync(cts.Token);
        HealthReport report;
        do
        {
            await Task.Delay(200, cts.Token);
            report = await health.CheckHealthAsync(cts.Token);
        }
        while (report.Status != HealthStatus.Healthy);

        Assert.Equal(CastoViewerState.Watching, viewer.State);
        Assert.NotNull(viewer.Media);
        Assert.Equal(1, publisher.Children);
        Assert.Equal(1, report.Entries["casto"].Data["depth"]);

        await host.StopAsync(cts.Token);
        Assert.Equal(CastoViewerState.Stopped, viewer.State);
        Assert.Null(viewer.Media);
    }
}
