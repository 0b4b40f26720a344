using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using Casto.Cli.Commands;
using Casto.Discovery.Kad;
using Casto.Stack.Identity;

namespace Casto.Cli.Dht;

/// <summary>
/// <c>casto dht provide (CID | --name NAME)</c>, <c>casto dht put KEY VALUE</c> and <c>casto dht get KEY</c>.
/// A KEY is <c>pk:PEERID</c> (the peer's <c>/pk/</c> record), <c>hex:…</c> or text (its UTF-8 bytes); a VALUE is
/// <c>hex:…</c>, <c>@FILE</c> or text. Peers keep only records their validators accept (<c>/pk/</c> everywhere).
/// </summary>
internal static partial class DhtCommand
{
    private static Command Provide(TextWriter stdout, TextWriter stderr)
    {
        var (bootstrap, listen, protocol, key) = (DhtNode.BootstrapOption(), DhtNode.ListenOption(), DhtNode.ProtocolOption(), KeyOption.Create());
        var cidArgument = new Argument<string?>("CID") { Description = "The content id (or stream:NAME).", Arity = ArgumentArity.ZeroOrOne };
        var name = new Option<string?>("--name") { Description = "Provide the stream NAME's key (CIDv1 raw, sha2-256 of the name).", HelpName = "NAME" };
        var command = new Command("provide", "Provide a CID and stay up, keeping the record alive, until SIGINT/SIGTERM.") { cidArgument, name, bootstrap, listen, protocol, key };
        command.SetAction((result, ct) => RunAsync("provide", stderr, async () =>
        {
            var cid = (result.GetValue(cidArgument), result.GetValue(name)) switch
            {
                ({ } text, null) => DhtNode.ParseCid(text),
                (null, { } stream) => KadKeys.ForStream(stream),
                _ => throw new FormatException("Give a CID or --name NAME (one of them)."),
            };
            await using var node = await DhtNode.StartAsync(result.GetValue(key), ephemeral: true, result.GetValue(listen) ?? [], result.GetValue(bootstrap) ?? [],
                result.GetValue(protocol)!, server: true, ct);
            int peers = await node.Dht.ProvideAsync(cid, null, ct); // republished by the DHT while it runs
            await CliRun.WriteJsonLineAsync(stdout, new JsonObject
            {
                ["peerId"] = node.Host.PeerId.ToString(),
                ["addrs"] = CliRun.Strings(node.Host.ListenAddresses.Select(a => a.WithPeerId(node.Host.PeerId).ToString())),
                ["provided"] = cid.ToString(),
                ["peers"] = peers,
            }, ct);
            await CliRun.UntilStoppedAsync(ct);
        }));
        return command;
    }

    private static Command Put(TextWriter stdout, TextWriter stderr)
    {
        var (bootstrap, protocol) = (DhtNode.BootstrapOption(), DhtNode.ProtocolOption());
        var keyArgument = new Argument<string>("KEY") { Description = "pk:PEERID, hex:… or text." };
        var valueArgument = new Argument<string>("VALUE") { Description = "hex:…, @FILE or text." };
        var command = new Command("put", "Store a record on the peers closest to KEY; prints {\"key\",\"peers\"}.") { keyArgument, valueArgument, bootstrap, protocol };
        command.SetAction((result, ct) => RunAsync("put", stderr, async () =>
        {
            byte[] recordKey = ParseKey(result.GetValue(keyArgument)!);
            byte[] value = await ParseValueAsync(result.GetValue(valueArgument)!, ct);
            await using var node = await DhtNode.StartAsync(null, ephemeral: true, [], result.GetValue(bootstrap) ?? [], result.GetValue(protocol)!, server: false, ct);
            int peers = await node.Dht.PutValueAsync(recordKey, value, null, ct);
            if (peers == 0)
            {
                throw new KadException(KadError.NotFound, "No peer stored the record (none reachable, or all refused it).");
            }

            await CliRun.WriteJsonLineAsync(stdout, new JsonObject { ["key"] = Convert.ToHexStringLower(recordKey), ["peers"] = peers }, ct);
        }));
        return command;
    }

    private static Command Get(TextWriter stdout, TextWriter stderr)
    {
        var (bootstrap, protocol) = (DhtNode.BootstrapOption(), DhtNode.ProtocolOption());
        var keyArgument = new Argument<string>("KEY") { Description = "pk:PEERID, hex:… or text." };
        var command = new Command("get", "Fetch the best valid record of KEY; prints {\"key\",\"value\"} (value in hex) or fails.") { keyArgument, bootstrap, protocol };
        command.SetAction((result, ct) => RunAsync("get", stderr, async () =>
        {
            byte[] recordKey = ParseKey(result.GetValue(keyArgument)!);
            await using var node = await DhtNode.StartAsync(null, ephemeral: true, [], result.GetValue(bootstrap) ?? [], result.GetValue(protocol)!, server: false, ct);
            byte[] value = await node.Dht.GetValueAsync(recordKey, null, ct) ?? throw new KadException(KadError.NotFound, "No valid record was found.");
            await CliRun.WriteJsonLineAsync(stdout, new JsonObject { ["key"] = Convert.ToHexStringLower(recordKey), ["value"] = Convert.ToHexStringLower(value) }, ct);
        }));
        return command;
    }

    private static byte[] ParseKey(string text) => text switch
    {
        _ when text.StartsWith("pk:", StringComparison.Ordinal) => KadKeys.ForPublicKey(PeerId.Parse(text[3..])),
        _ when text.StartsWith("hex:", StringComparison.Ordinal) => Convert.FromHexString(text[4..]),
        _ => Encoding.UTF8.GetBytes(text),
    };

    private static async Task<byte[]> ParseValueAsync(string text, CancellationToken cancellationToken) => text switch
    {
        _ when text.StartsWith("hex:", StringComparison.Ordinal) => Convert.FromHexString(text[4..]),
        _ when text.StartsWith('@') => await File.ReadAllBytesAsync(text[1..], cancellationToken),
        _ => Encoding.UTF8.GetBytes(text),
    };
}
