using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;

namespace Casto.Testing;

/// <summary>Reading a <see cref="PipeReader"/> to its end in tests (callers bound the wait with WaitAsync).</summary>
public static class PipeReading
{
    /// <summary>Everything the reader yields until the writer completes.</summary>
    public static async Task<byte[]> ReadToEndAsync(PipeReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var output = new ArrayBufferWriter<byte>();
        while (true)
        {
            var result = await reader.ReadAsync();
            foreach (var segment in result.Buffer)
            {
                output.Write(segment.Span);
            }

            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return output.WrittenSpan.ToArray();
            }
        }
    }

    /// <summary>The SHA-256 and length of everything the reader yields until the writer completes.</summary>
    public static async Task<(byte[] Digest, long Length)> HashToEndAsync(PipeReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long length = 0;
        while (true)
        {
            var result = await reader.ReadAsync();
            foreach (var segment in result.Buffer)
            {
                hash.AppendData(segment.Span);
            }

            length += result.Buffer.Length;
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return (hash.GetHashAndReset(), length);
            }
        }
    }
}
