namespace Casto.Testing;

/// <summary>
/// External programs that interop tests drive (./test.sh installs them). A missing one fails the test with a message
/// naming it, never lets it pass silently: a test that did not run its peer has proven nothing.
/// </summary>
public static class Requires
{
    /// <summary>Returns <paramref name="path"/>; throws naming the program and its Debian package when it is not there.</summary>
    public static string Program(string path, string package)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{path} is missing: run ./test.sh, which installs the Debian package {package} when root (apt-get install {package}).");
        }

        return path;
    }

    /// <summary>The full path of <paramref name="name"/> on PATH; throws naming it and its Debian package when it is not found.</summary>
    public static string OnPath(string name, string package)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"{name} is not on PATH: run ./test.sh, which installs the Debian package {package} when root (apt-get install {package}).");
    }
}
