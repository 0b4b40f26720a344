// Spec: proc(5): /proc/PID/stat fields 14-15 (utime, stime in clock ticks), /proc/PID/status VmRSS
using System.Diagnostics;
using System.Globalization;

namespace Casto.LoadGen;

/// <summary>A process's CPU time and resident set at one moment, from /proc.</summary>
internal readonly record struct ProcSample(double CpuSeconds, double RssMb, long Timestamp)
{
    /// <summary>Clock ticks per second (<c>getconf CLK_TCK</c>; 100 on Linux when that fails).</summary>
    public static readonly int ClockTicks = ReadClockTicks();

    /// <summary>Reads <paramref name="pid"/>'s counters, or null when the process is gone.</summary>
    public static ProcSample? TryRead(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name "(…)": state is field 3, so utime (14) and stime (15) are at 11 and 12.
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            long ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            double rssKb = 0;
            foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rssKb = double.Parse(line["VmRSS:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
                }
            }

            return new ProcSample((double)ticks / ClockTicks, rssKb / 1024, Stopwatch.GetTimestamp());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>CPU used between two samples, in percent of one core.</summary>
    public static double CpuPercent(ProcSample start, ProcSample end) =>
        100 * (end.CpuSeconds - start.CpuSeconds) / Stopwatch.GetElapsedTime(start.Timestamp, end.Timestamp).TotalSeconds;

    private static int ReadClockTicks()
    {
        try
        {
            using var getconf = Process.Start(new ProcessStartInfo("getconf", "CLK_TCK") { RedirectStandardOutput = true, UseShellExecute = false });
            if (getconf is not null)
            {
                string text = getconf.StandardOutput.ReadToEnd();
                getconf.WaitForExit();
                if (int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int ticks) && ticks > 0)
                {
                    return ticks;
                }
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }

        return 100;
    }
}
