// Spec: proc(5): /proc/net/udp (tx_queue:rx_queue, inode, drops), /proc/PID/fd links "socket:[inode]", /proc/stat cpu line
using System.Globalization;

namespace Casto.LoadGen;

/// <summary>Where packets are lost or queued: kernel drops and queued bytes of one process's UDP sockets.</summary>
internal readonly record struct UdpSockets(int Sockets, long Drops, long RxQueueBytes)
{
    /// <summary>Sums over the IPv4 UDP sockets that <paramref name="pid"/> holds; null when it cannot be read.</summary>
    public static UdpSockets? TryRead(int pid)
    {
        try
        {
            var inodes = new HashSet<long>();
            foreach (string fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
            {
                string? target = new FileInfo(fd).LinkTarget;
                if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal))
                {
                    inodes.Add(long.Parse(target.AsSpan(8, target.Length - 9), CultureInfo.InvariantCulture));
                }
            }

            int sockets = 0;
            long drops = 0;
            long queued = 0;
            foreach (string line in File.ReadLines("/proc/net/udp").Skip(1))
            {
                string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length > 12 && inodes.Contains(long.Parse(f[9], CultureInfo.InvariantCulture)))
                {
                    sockets++;
                    drops += long.Parse(f[12], CultureInfo.InvariantCulture);
                    queued += long.Parse(f[4].AsSpan(f[4].IndexOf(':', StringComparison.Ordinal) + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                }
            }

            return new UdpSockets(sockets, drops, queued);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>The machine's busy and total CPU ticks so far (all cores, /proc/stat), or null.</summary>
    public static (long Busy, long Total)? TryReadMachineCpu()
    {
        try
        {
            string line = File.ReadLines("/proc/stat").First();
            long[] ticks = [.. line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(t => long.Parse(t, CultureInfo.InvariantCulture))];
            long idle = ticks[3] + (ticks.Length > 4 ? ticks[4] : 0); // idle + iowait
            return (ticks.Sum() - idle, ticks.Sum());
        }
        catch (Exception ex) when (ex is IOException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
