namespace Casto.Testing;

/// <summary>Locates the repository checkout from a test's working directory.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The directory holding Casto.sln.</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>The js-libp2p reference peers (tests/interop/js).</summary>
    public static string JsPeers => Path.Combine(Root, "tests", "interop", "js");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Casto.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find Casto.sln above " + AppContext.BaseDirectory);
    }
}
