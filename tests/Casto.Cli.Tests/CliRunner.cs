namespace Casto.Cli.Tests;

/// <summary>Runs the <c>casto</c> command line in-process with captured output.</summary>
internal static class CliRunner
{
    public static async Task<(int ExitCode, string StdOut, string StdErr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CastoCli.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
