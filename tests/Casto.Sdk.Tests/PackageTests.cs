using Casto.Sdk;

namespace Casto.Sdk.Tests;

/// <summary>
/// The packages as a user gets them: <c>dotnet pack</c> into a temporary feed, the <c>casto</c> tool installed from it
/// and run, and a fresh console app built against the local Casto.Sdk package that watches a stream with the two
/// lines. Offline: the feed, this machine's package cache and its fixed package folder are the only sources, and the
/// packages restore into a fresh folder (so nothing stale from an earlier run is used). About a minute.
/// </summary>
[Trait("Category", "Packaging")]
public sealed class PackageTests
{
    private const string Program = """
        using Casto.Sdk;

        var options = new CastoOptions { Stream = args[0], Mdns = false, JoinTimeout = TimeSpan.FromSeconds(20) };
        options.ListenAddresses.Add("/ip4/127.0.0.1/tcp/0");
        options.BootstrapPeers.Add(args[1]);

        var casto = new CastoClient(options);
        await using CastoMedia media = await casto.StartAsync();

        int frames = 0;
        await foreach (CastoFrame frame in media.ReadFramesAsync())
        {
            using (frame)
            {
                if (++frames == 10)
                {
                    break;
                }
            }
        }

        Console.WriteLine($"frames={frames} codec={media.Codec} depth={media.Stats.Depth}");
        """;

    [Fact]
    public async Task PackedToolRunsAndAFreshAppReceivesFramesFromTheLocalPackage()
    {
        string root = RepositoryRoot();
        string temp = Directory.CreateTempSubdirectory("casto-pack-").FullName;
        try
        {
            string feed = Path.Combine(temp, "feed");
            var env = new Dictionary<string, string>
            {
                ["NUGET_PACKAGES"] = Path.Combine(temp, "packages"),
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
                ["DOTNET_NOLOGO"] = "1",
                ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
            };
            await File.WriteAllTextAsync(Path.Combine(temp, "nuget.config"), NuGetConfig(feed));

            var pack = await Processes.RunAsync("dotnet", ["pack", "Casto.Packages.slnf", "-c", "Release", "-o", feed, "-nodeReuse:false"], root, new Dictionary<string, string>(), TimeSpan.FromMinutes(3));
            Assert.True(pack.ExitCode == 0, pack.Output);
            foreach (string package in new[] { "Casto.Stack", "Casto.Discovery", "Casto.WebRtc", "Casto.Relay", "Casto.Sdk", "casto" })
            {
                Assert.True(File.Exists(Path.Combine(feed, $"{package}.0.1.0.nupkg")), $"{package} packed:\n{pack.Output}");
                Assert.True(File.Exists(Path.Combine(feed, $"{package}.0.1.0.snupkg")), $"{package} symbols");
            }

            string tools = Path.Combine(temp, "tools");
            var install = await Processes.RunAsync(
                "dotnet", ["tool", "install", "casto", "--tool-path", tools, "--add-source", feed, "--configfile", Path.Combine(temp, "nuget.config"), "--version", "0.1.0"],
                temp, env, TimeSpan.FromMinutes(2));
            Assert.True(install.ExitCode == 0, install.Output);
            var version = await Processes.RunAsync(Path.Combine(tools, "casto"), ["--version"], temp, env, TimeSpan.FromSeconds(30));
            Assert.True(version.ExitCode == 0, version.Output);
            Assert.StartsWith("0.1.0", version.Output.Trim(), StringComparison.Ordinal);
            var id = await Processes.RunAsync(Path.Combine(tools, "casto"), ["id", "--key", Path.Combine(temp, "key")], temp, env, TimeSpan.FromSeconds(30));
            Assert.True(id.ExitCode == 0, id.Output);
            Assert.Contains("12D3KooW", id.Output, StringComparison.Ordinal); // an Ed25519 peer id

            string app = Path.Combine(temp, "app");
            Directory.CreateDirectory(app);
            await File.WriteAllTextAsync(Path.Combine(app, "app.csproj"), """
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Casto.Sdk" Version="0.1.0" />
                  </ItemGroup>
                </Project>
                """);
            await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), Program);
            var build = await Processes.RunAsync("dotnet", ["build", "-c", "Release", "-nodeReuse:false"], app, env, TimeSpan.FromMinutes(2));
            Assert.True(build.ExitCode == 0, build.Output);
            Assert.True(File.Exists(Path.Combine(env["NUGET_PACKAGES"], "casto.sdk", "0.1.0", "lib", "net10.0", "Casto.Sdk.dll")), "restored from the local feed");

            using var cts = Loopback.Timeout(60);
            await using var publisher = await Loopback.PublishClipAsync("packaged", cts.Token);
            var run = await Processes.RunAsync(
                "dotnet", [Path.Combine(app, "bin", "Release", "net10.0", "app.dll"), "packaged", publisher.Addresses[0]], app, env, TimeSpan.FromSeconds(60));
            Assert.True(run.ExitCode == 0, run.Output);
            Assert.Contains("frames=10 codec=Vp8 depth=1", run.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    /// <summary>Only local sources: the new feed, this machine's package cache (already holds every dependency) and its fixed folder.</summary>
    private static string NuGetConfig(string feed)
    {
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var sources = new List<string> { feed, cache };
        if (Directory.Exists("/opt/nuget/packages"))
        {
            sources.Add("/opt/nuget/packages");
        }

        string adds = string.Concat(sources.Select((s, i) => $"""    <add key="local{i}" value="{s}" />{"\n"}"""));
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
            {adds}  </packageSources>
            </configuration>
            """;
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Casto.Packages.slnf")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Casto.Packages.slnf not found above " + AppContext.BaseDirectory);
    }
}
