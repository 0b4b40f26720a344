using System.Text.Json;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

namespace Casto.Discovery.Kad;

/// <content>Saving the table to a JSON file and loading it after a restart.</content>
internal sealed partial class RoutingTable
{
    /// <summary>Largest routing-table file read (default tables are far smaller).</summary>
    public const int MaxFileSize = 4 * 1024 * 1024;

    /// <summary>Writes <c>{"peers":[{"id":"12D3…","addrs":["/ip4/…"]}]}</c> to <paramref name="path"/> (via a temp file).</summary>
    public async ValueTask SaveAsync(string path, CancellationToken cancellationToken)
    {
        var temp = path + ".tmp";
        var stream = File.Create(temp);
        await using (stream.ConfigureAwait(false))
        {
            var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            await using (writer.ConfigureAwait(false))
            {
                writer.WriteStartObject();
                writer.WriteStartArray("peers");
                foreach (var entry in All())
                {
                    writer.WriteStartObject();
                    writer.WriteString("id", entry.Peer.ToString());
                    writer.WriteStartArray("addrs");
                    foreach (var address in entry.Addresses)
                    {
                        writer.WriteStringValue(address.ToString());
                    }

                    writer.WriteEndArray();
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Adds the peers saved in <paramref name="path"/>; entries that do not parse are skipped. Returns how many were added.</summary>
    public async ValueTask<int> LoadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path) || new FileInfo(path).Length > MaxFileSize)
        {
            return 0;
        }

        var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        using var document = JsonDocument.Parse(bytes);
        var added = 0;
        if (!document.RootElement.TryGetProperty("peers", out var peers) || peers.ValueKind != JsonValueKind.Array)
        {
            return 0;
        }

        foreach (var peer in peers.EnumerateArray())
        {
            if (peer.ValueKind != JsonValueKind.Object || !peer.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String
                || !PeerId.TryParse(id.GetString(), out var peerId))
            {
                continue;
            }

            var addrs = new List<Multiaddr>();
            if (peer.TryGetProperty("addrs", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var a in list.EnumerateArray())
                {
                    if (a.ValueKind == JsonValueKind.String && Multiaddr.TryParse(a.GetString(), out var address))
                    {
                        addrs.Add(address);
                    }
                }
            }

            if (TryAdd(peerId, addrs, out _) == AddResult.Added)
            {
                added++;
            }
        }

        return added;
    }
}
