using System.Diagnostics;

namespace Casto.Sdk.Tests;

/// <summary>examples/Viewer, built and run as a user would, watching a publisher in this process.</summary>
[Trait("Category", "Packaging")]
public sealed class ExampleTests
{
    [Fact]
    public async Task TheViewerExampleWatchesAStreamEndToEnd()
    {
        string root = PackageTests.RepositoryRoot();
        string project = Path.Combine(root, "examples", "Viewer");
        var build = await Processes.RunAsync("dotnet", ["build", "-c", "Release", "-nodeReuse:false"], project, new Dictionary<string, string>(), TimeSpan.FromMinutes(2));
        Assert.True(build.ExitCode == 0, build.Output);

        using var cts = Loopback.Timeout(60);
        await using var publisher = await Loopback.PublishClipAsync("example", cts.Token);
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = project };
        foreach (string a in new[] { Path.Combine(project, "bin", "Release", "net10.0", "Viewer.dll"), "example", publisher.Addresses[0] })
        {
            info.ArgumentList.Add(a);
        }

        using var viewer = Process.Start(info)!;
        var seen = new List<string>();
        try
        {
            while (await viewer.StandardOutput.ReadLineAsync(cts.Token) is { } line)
            {
                seen.Add(line);
                if (line.Contains("fps, depth 1, parent " + publisher.PeerId, StringComparison.Ordinal))
                {
                    break; // a stats line: frames flowing from the publisher
                }
            }
        }
        finally
        {
            viewer.Kill(entireProcessTree: true);
            await viewer.WaitForExitAsync(CancellationToken.None);
        }

        string stats = Assert.Single(seen, l => l.Contains("depth 1, parent " + publisher.PeerId, StringComparison.Ordinal));
        Assert.Matches(@"^example: [1-9][0-9]* frames \([1-9][0-9]* key\), ", stats);
    }
}
