using System.CommandLine;
using System.Text.Json.Nodes;
using Casto.Cli.Commands;
using Casto.Discovery.Kad;
using Casto.Stack.Identity;

namespace Casto.Cli.Dht;

/// <summary>
/// <c>casto dht serve|provide|find-providers|find-peer|put|get</c>: a Kademlia DHT node (wire-compatible with
/// /ipfs/kad/1.0.0). Output is JSON lines: <c>serve</c> prints <c>{"peerId","addrs","tableSize"}</c> and serves until
/// SIGINT/SIGTERM (providing <c>--provide</c> keys); <c>provide</c> does the same for one key and also reports how many
/// peers took the record; <c>find-providers CID</c> prints one <c>{"peerId","addrs"}</c> per provider, then
/// <c>{"done":true,"count","hops","queried"}</c>; <c>find-peer ID</c> prints <c>{"peerId","addrs"}</c> or fails;
/// <c>put KEY VALUE</c> and <c>get KEY</c> store and fetch a validated record (see <c>DhtCommand.Records.cs</c>).
/// A CID may be given as <c>stream:NAME</c> (CIDv1 raw of sha2-256 of the name).
/// </summary>
internal static partial class DhtCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("dht", "Kademlia DHT: serve, provide, find providers, find peers, put and get records.");
        command.Add(Serve(stdout, stderr));
        command.Add(Provide(stdout, stderr));
        command.Add(FindProviders(stdout, stderr));
        command.Add(FindPeer(stdout, stderr));
        command.Add(Put(stdout, stderr));
        command.Add(Get(stdout, stderr));
        return command;
    }

    private static Command Serve(TextWriter stdout, TextWriter stderr)
    {
        var (bootstrap, listen, protocol, key) = (DhtNode.BootstrapOption(), DhtNode.ListenOption(), DhtNode.ProtocolOption(), KeyOption.Create());
        var provide = new Option<string[]>("--provide") { Description = "CID(s) or stream:NAME to provide (repeatable).", HelpName = "CID", AllowMultipleArgumentsPerToken = true };
        var table = new Option<string?>("--table") { Description = "Routing-table file: loaded at start, saved at exit.", HelpName = "FILE" };
        var command = new Command("serve", "Run a DHT server node until SIGINT/SIGTERM.") { bootstrap, listen, protocol, key, provide, table };
        command.SetAction((result, ct) => RunAsync("serve", stderr, async () =>
        {
            await using var node = await DhtNode.StartAsync(result.GetValue(key), ephemeral: false, result.GetValue(listen) ?? [], result.GetValue(bootstrap) ?? [],
                result.GetValue(protocol)!, server: true, ct);
            if (result.GetValue(table) is { } path && await node.Dht.LoadRoutingTableAsync(path, ct) > 0)
            {
                await node.Dht.RefreshAsync(ct);
            }

            foreach (var cid in (result.GetValue(provide) ?? []).Select(DhtNode.ParseCid))
            {
                await node.Dht.ProvideAsync(cid, null, ct);
            }

            await CliRun.WriteJsonLineAsync(stdout, new JsonObject { ["peerId"] = node.Host.PeerId.ToString(), ["addrs"] = CliRun.Strings(node.Host.ListenAddresses.Select(a => a.ToString())), ["tableSize"] = node.Dht.RoutingTableSize }, ct);
            await CliRun.UntilStoppedAsync(ct);
            if (result.GetValue(table) is { } save)
            {
                await node.Dht.SaveRoutingTableAsync(save, CancellationToken.None);
            }
        }));
        return command;
    }

    private static Command FindProviders(TextWriter stdout, TextWriter stderr)
    {
        var (bootstrap, protocol) = (DhtNode.BootstrapOption(), DhtNode.ProtocolOption());
        var cidArgument = new Argument<string>("CID") { Description = "The content id, or stream:NAME." };
        var max = new Option<int>("--max") { Description = "Stop after this many providers (default 20).", DefaultValueFactory = _ => 20 };
        var command = new Command("find-providers", "Print the providers of a CID, one JSON line each.") { cidArgument, bootstrap, protocol, max };
        command.SetAction((result, ct) => RunAsync("find-providers", stderr, async () =>
        {
            var cid = DhtNode.ParseCid(result.GetValue(cidArgument)!);
            await using var node = await DhtNode.StartAsync(null, ephemeral: true, [], result.GetValue(bootstrap) ?? [], result.GetValue(protocol)!, server: false, ct);
            var stats = new KadQueryStats();
            var count = 0;
            await foreach (var provider in node.Dht.FindProvidersAsync(cid, result.GetValue(max), stats, ct))
            {
                count++;
                await CliRun.WriteJsonLineAsync(stdout, new JsonObject { ["peerId"] = provider.PeerId.ToString(), ["addrs"] = CliRun.Strings(provider.Addresses.Select(a => a.ToString())) }, ct);
            }

            await CliRun.WriteJsonLineAsync(stdout, new JsonObject { ["done"] = true, ["count"] = count, ["hops"] = stats.Hops, ["queried"] = stats.Queried }, ct);
        }));
        return command;
    }

    private static Command FindPeer(TextWriter stdout, TextWriter stderr)
    {
        var (bootstrap, protocol) = (DhtNode.BootstrapOption(), DhtNode.ProtocolOption());
        var peerArgument = new Argument<string>("PEER") { Description = "The peer id." };
        var command = new Command("find-peer", "Print the addresses of a peer as one JSON line.") { peerArgument, bootstrap, protocol };
        command.SetAction((result, ct) => RunAsync("find-peer", stderr, async () =>
        {
            var peer = PeerId.Parse(result.GetValue(peerArgument)!);
            await using var node = await DhtNode.StartAsync(null, ephemeral: true, [], result.GetValue(bootstrap) ?? [], result.GetValue(protocol)!, server: false, ct);
            var found = await node.Dht.FindPeerAsync(peer, null, ct) ?? throw new KadException(KadError.NotFound, $"{peer} was not found.");
            await CliRun.WriteJsonLineAsync(stdout, new JsonObject { ["peerId"] = found.PeerId.ToString(), ["addrs"] = CliRun.Strings(found.Addresses.Select(a => a.ToString())) }, ct);
        }));
        return command;
    }

    private static async Task<int> RunAsync(string name, TextWriter stderr, Func<Task> body)
    {
        try
        {
            await body();
            return CastoCli.Ok;
        }
        catch (Exception ex) when (ex is FormatException or IOException or ArgumentException)
        {
            await stderr.WriteLineAsync($"casto dht {name}: {ex.Message}");
            return CastoCli.Failed;
        }
    }
}
