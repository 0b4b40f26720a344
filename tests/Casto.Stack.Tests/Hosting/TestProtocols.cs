using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using Casto.Stack.Hosting;

namespace Casto.Stack.Tests.Hosting;

/// <summary>Small protocols the host and interop tests use (the js reference peer serves the same ids).</summary>
internal static class TestProtocols
{
    public const string Echo = "/casto/echo/1.0.0";

    public static void RegisterEcho(CastoHost host) => host.SetStreamHandler(Echo, async (context, ct) =>
    {
        var input = context.Stream.Input;
        while (true)
        {
            var result = await input.ReadAsync(ct);
            foreach (var segment in result.Buffer)
            {
                await context.Stream.Output.WriteAsync(segment, ct);
            }

            input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }

        await context.Stream.Output.CompleteAsync();
    });

    /// <summary>Sends <paramref name="data"/> on an echo stream while reading the echo; returns the SHA-256 of what came back.</summary>
    public static async Task<(byte[] Digest, long Length)> EchoAsync(StreamContext context, byte[] data)
    {
        var reading = PipeReading.HashToEndAsync(context.Stream.Input);
        for (var offset = 0; offset < data.Length; offset += 65536)
        {
            await context.Stream.Output.WriteAsync(data.AsMemory(offset, Math.Min(65536, data.Length - offset)));
        }

        await context.Stream.Output.CompleteAsync();
        return await reading;
    }
}
