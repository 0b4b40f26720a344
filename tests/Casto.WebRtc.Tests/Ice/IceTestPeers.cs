using System.Diagnostics;
using Casto.WebRtc.Ice;

namespace Casto.WebRtc.Tests.Ice;

/// <summary>Two agents on 127.0.0.1 with credentials and candidates exchanged (all signalled up front, then end-of-candidates).</summary>
internal sealed class IceTestPeers : IAsyncDisposable
{
    private IceTestPeers(IceAgent a, IceAgent b)
    {
        A = a;
        B = b;
    }

    public IceAgent A { get; }

    public IceAgent B { get; }

    public static IceTestPeers Create(IceRole roleA, IceOptions? optionsA, IceRole roleB, IceOptions? optionsB, string? wrongPasswordForA = null, bool signalCandidatesToB = true)
    {
        var a = IceAgent.Create(roleA, optionsA);
        var b = IceAgent.Create(roleB, optionsB);
        a.SetRemoteCredentials(b.LocalUfrag, wrongPasswordForA ?? b.LocalPassword);
        b.SetRemoteCredentials(a.LocalUfrag, a.LocalPassword);
        foreach (var c in b.LocalCandidates)
        {
            a.AddRemoteCandidate(c.ToSdp()); // through the SDP form, as signalling would
        }

        a.AddRemoteEndOfCandidates();
        if (signalCandidatesToB)
        {
            foreach (var c in a.LocalCandidates)
            {
                b.AddRemoteCandidate(c.ToSdp());
            }

            b.AddRemoteEndOfCandidates();
        }

        return new IceTestPeers(a, b);
    }

    public void Start()
    {
        A.Start();
        B.Start();
    }

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
    }

    /// <summary>Polls <paramref name="condition"/> on the real clock.</summary>
    public static async Task<bool> UntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(10);
        }

        return true;
    }

    /// <summary>Advances the fake clock in <paramref name="step"/>s, yielding briefly (real time) so datagrams are processed.</summary>
    public static async Task<bool> UntilAsync(ManualTimeProvider clock, Func<bool> condition, TimeSpan fakeTimeout, TimeSpan step)
    {
        var end = clock.Now + fakeTimeout;
        while (!condition())
        {
            if (clock.Now >= end)
            {
                return false;
            }

            clock.Advance(step);
            await Task.Delay(5);
        }

        return true;
    }
}
