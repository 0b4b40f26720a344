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

    [Fact]
    public async Task TheViewerKeepsLookingUntilTheStreamIsPublished()
    {
        using var cts = Loopback.Timeout(60);
        int port = Loopback.FreeTcpPort(); // the publisher's address is known before it runs
        var services = new ServiceCollection();
        services.AddLogging();
        string seed = "";
        var publisherOptions = Loopback.Options("later");
        publisherOptions.ListenAddresses[0] = $"/ip4/127.0.0.1/tcp/{port}";
        publisherOptions.KeyFile = Path.Combine(Path.GetTempPath(), $"casto-key-{Guid.NewGuid():n}");
        try
        {
            await using (var first = await new CastoClient(publisherOptions).PublishAsync(CastoSource.BuiltInClip, cts.Token))
            {
                seed = first.Addresses[0]; // the key file keeps the peer id for the second run
            }

            services.AddCasto(o =>
            {
                (o.Stream, o.Mdns, o.JoinTimeout) = ("later", false, TimeSpan.FromSeconds(1));
                o.ListenAddresses.Add("/ip4/127.0.0.1/tcp/0");
                o.BootstrapPeers.Add(seed);
            });
            await using var provider = services.BuildServiceProvider();
            var viewer = provider.GetRequiredService<CastoViewer>();
            var health = provider.GetRequiredService<HealthCheckService>();
            await viewer.StartAsync(cts.Token);
            await Task.Delay(TimeSpan.FromSeconds(1.5), cts.Token);
            var looking = await health.CheckHealthAsync(cts.Token);
            Assert.Equal(HealthStatus.Degraded, looking.Status);
            Assert.Equal(CastoError.StreamNotFound, viewer.LastError?.Error);

            await using var publisher = await new CastoClient(publisherOptions).PublishAsync(CastoSource.BuiltInClip, cts.Token);
            while (viewer.State != CastoViewerState.Watching)
            {
                await Task.Delay(100, cts.Token);
            }

            Assert.Equal(publisher.PeerId, viewer.Media?.Stats.Parent);
            await viewer.StopAsync(cts.Token);
            Assert.Equal(CastoViewerState.Stopped, viewer.State);
        }
        finally
        {
            File.Delete(publisherOptions.KeyFile);
        }
    }
}
