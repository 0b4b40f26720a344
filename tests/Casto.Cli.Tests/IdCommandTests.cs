using Casto.Stack.Identity;
using Casto.Testing;

namespace Casto.Cli.Tests;

public sealed class IdCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("casto-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Creates_the_key_file_once_and_prints_a_stable_ed25519_peer_id()
    {
        var path = Path.Combine(_dir, "node.key");
        var first = await CliRunner.RunAsync("id", "--key", path);
        Assert.Equal(0, first.ExitCode);
        Assert.Contains("created", first.StdErr, StringComparison.Ordinal);
        var id = first.StdOut.Trim();
        Assert.StartsWith("12D3KooW", id, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        var second = await CliRunner.RunAsync("id", "--key", path);
        Assert.Equal((0, id + Environment.NewLine, string.Empty), second);
    }

    [Fact]
    public async Task A_corrupt_key_file_fails_with_a_clear_message()
    {
        var path = Path.Combine(_dir, "bad.key");
        await File.WriteAllTextAsync(path, "garbage");
        var (code, stdout, stderr) = await CliRunner.RunAsync("id", "--key", path);
        Assert.Equal(1, code);
        Assert.Empty(stdout);
        Assert.Contains("does not hold a valid libp2p private key", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_lists_the_commands()
    {
        var (code, stdout, _) = await CliRunner.RunAsync("--help");
        Assert.Equal(0, code);
        Assert.Contains("id", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_commands_fail()
    {
        var (code, _, stderr) = await CliRunner.RunAsync("frobnicate");
        Assert.NotEqual(0, code);
        Assert.NotEmpty(stderr);
    }

    /// <summary>The "done when": casto id prints the id js-libp2p derives for the same key file.</summary>
    [Fact]
    public async Task Prints_the_same_peer_id_js_libp2p_derives()
    {
        var path = Path.Combine(_dir, "shared.key");
        var (_, stdout, _) = await CliRunner.RunAsync("id", "--key", path);
        Assert.Equal(await JsPeers.RunAsync("keys.mjs", "id", path), stdout.Trim());
    }

    [Theory]
    [InlineData("Ed25519")]
    [InlineData("secp256k1")]
    [InlineData("RSA")]
    public async Task Reads_key_files_written_by_js_libp2p(string type)
    {
        var path = Path.Combine(_dir, type + ".key");
        var jsId = await JsPeers.RunAsync("keys.mjs", "gen", type, path);
        var (code, stdout, _) = await CliRunner.RunAsync("id", "--key", path);
        Assert.Equal(0, code);
        Assert.Equal(jsId, stdout.Trim());
        Assert.Equal(jsId, KeyFile.Load(path).PeerId.ToString());
    }
}
