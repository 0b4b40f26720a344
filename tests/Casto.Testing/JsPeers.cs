namespace Casto.Testing;

/// <summary>
/// Runs the js-libp2p reference scripts in tests/interop/js (installed by ./test.sh with <c>npm ci</c>).
/// Missing packages fail the test with instructions rather than skipping it: interop is the definition of "works".
/// </summary>
public static class JsPeers
{
    /// <summary>Runs <c>node --import ./polyfill.mjs SCRIPT ARGS…</c> and returns its result; throws if it fails.</summary>
    public static async Task<string> RunAsync(string script, params string[] arguments)
    {
        EnsureInstalled();
        var result = await ProcessRunner.RunAsync(
            "node", ["--import", "./polyfill.mjs", script, .. arguments], RepoPaths.JsPeers);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"node {script} failed ({result.ExitCode}): {result.StdErr}");
        }

        return result.Line;
    }

    /// <summary>Fails with a clear message when the reference peers are not installed.</summary>
    public static void EnsureInstalled()
    {
        Requires.OnPath("node", "nodejs");
        if (!Directory.Exists(Path.Combine(RepoPaths.JsPeers, "node_modules", "libp2p")))
        {
            throw new InvalidOperationException(
                "js-libp2p reference peers are not installed: run ./test.sh (or `npm ci` in tests/interop/js).");
        }
    }
}
