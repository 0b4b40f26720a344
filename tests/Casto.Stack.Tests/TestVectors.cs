namespace Casto.Stack.Tests;

/// <summary>Reads the tab-separated vector files under Vectors/ ('#' starts a comment line).</summary>
internal static class TestVectors
{
    public static IEnumerable<string[]> Read(string relativePath)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Vectors", relativePath);
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            // "<empty>" stands for the empty string in every vector file.
            yield return Array.ConvertAll(line.Split('\t'), f => f == "<empty>" ? string.Empty : f);
        }
    }

    public static TheoryData<string> Column(string relativePath, int column = 0)
    {
        var data = new TheoryData<string>();
        foreach (var fields in Read(relativePath))
        {
            data.Add(fields[column]);
        }

        return data;
    }

    public static TheoryData<string, string> Pairs(string relativePath)
    {
        var data = new TheoryData<string, string>();
        foreach (var row in Read(relativePath))
        {
            data.Add(row[0], row.Length > 1 ? row[1] : row[0]);
        }

        return data;
    }

    public static TheoryData<string, string, string> Triples(string relativePath)
    {
        var data = new TheoryData<string, string, string>();
        foreach (var row in Read(relativePath))
        {
            data.Add(row[0], row[1], row[2]);
        }

        return data;
    }

    public static TheoryData<string, string, string, string> Quads(string relativePath)
    {
        var data = new TheoryData<string, string, string, string>();
        foreach (var row in Read(relativePath))
        {
            data.Add(row[0], row[1], row[2], row[3]);
        }

        return data;
    }
}
