namespace Casto.WebRtc.Tests;

/// <summary>The interop tests' guard: a missing external peer fails the test with a message naming it.</summary>
public sealed class RequiresTests
{
    [Fact]
    public void AMissingProgramFailsNamingItAndItsPackage()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Requires.Program("/nonexistent/casto-peer", "casto-peer-pkg"));
        Assert.Contains("/nonexistent/casto-peer is missing", ex.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install casto-peer-pkg", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<InvalidOperationException>(() => Requires.OnPath("casto-no-such-program", "casto-peer-pkg"));
        Assert.Contains("casto-no-such-program is not on PATH", ex.Message, StringComparison.Ordinal);
        Assert.Equal("/bin/sh", Requires.Program("/bin/sh", "dash"));
    }

    [Fact]
    public async Task AProgramThatCannotBeStartedFailsNamingIt()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => ProcessRunner.RunAsync("casto-no-such-program", []));
        Assert.Contains("Cannot run casto-no-such-program", ex.Message, StringComparison.Ordinal);
    }
}
