namespace Casto.Cli.Tests;

/// <summary>casto discover: argument errors. Discovery itself runs between network namespaces in Casto.Discovery.Tests (MdnsNetnsTests).</summary>
public sealed class DiscoverCommandTests
{
    [Theory]
    [InlineData("--listen", "/not/an/address")]
    [InlineData("--interface", "no-such-interface0")]
    public async Task Bad_arguments_fail_with_a_message(string option, string value)
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync("discover", "--mdns", option, value);
        Assert.Equal(1, code);
        Assert.Empty(stdout);
        Assert.StartsWith("casto discover: ", stderr, StringComparison.Ordinal);
    }
}
