namespace Casto.Testing;

/// <summary>
/// Some test assemblies run many tree nodes (up to 30) in one process on two shared cores, each with its own DTLS
/// handshakes, pumps and timers. When the thread pool runs short, it adds threads at about one a second, and every
/// node in the process stalls at once. A node then sees its parent's heartbeats and media stop together and rejoins,
/// which looks like network death. Measured: the relay hand-off test failed about 1 run in 6 with the default pool,
/// and 0 in 12 with 64 threads ready. A real node runs alone in its process, so only those test assemblies call
/// <see cref="Raise"/>, from a module initializer. (What holds the pool threads in those moments is still to be found.)
/// </summary>
public static class ThreadPoolForTests
{
    /// <summary>At least 64 worker and I/O threads ready.</summary>
    public static void Raise()
    {
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(io, 64));
    }
}
