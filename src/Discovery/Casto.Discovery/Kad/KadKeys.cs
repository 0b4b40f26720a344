using System.Security.Cryptography;
using System.Text;
using Casto.Stack.Identity;
using Casto.Stack.Multiformats;

namespace Casto.Discovery.Kad;

/// <summary>Keys used with the DHT.</summary>
public static class KadKeys
{
    /// <summary>The namespace of public-key records: <c>/pk/&lt;peer id multihash&gt;</c>.</summary>
    public const string PublicKeyNamespace = "pk";

    /// <summary>
    /// The content id of a stream name: CIDv1, codec <c>raw</c> (0x55), multihash sha2-256 of the UTF-8 name.
    /// Provide and find it with <see cref="KadDht.ProvideAsync"/> / <see cref="KadDht.FindProvidersAsync"/>;
    /// on the wire, provider records are keyed by the CID's multihash (kad-dht §Content provider advertisement),
    /// as js-libp2p and go-libp2p do, so other implementations find the same providers.
    /// </summary>
    public static Cid ForStream(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return new Cid(1, Cid.Raw, Multihash.Create(Multihash.Sha256Code, SHA256.HashData(Encoding.UTF8.GetBytes(name))));
    }

    /// <summary>The record key <c>/pk/</c> + the peer id's multihash bytes.</summary>
    public static byte[] ForPublicKey(PeerId peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        var key = new byte[4 + peer.Bytes.Length];
        "/pk/"u8.CopyTo(key);
        peer.Bytes.CopyTo(key.AsSpan(4));
        return key;
    }

    /// <summary>The namespace of a record key <c>/ns/…</c>, or null when it has none.</summary>
    public static string? NamespaceOf(ReadOnlySpan<byte> key)
    {
        if (key.Length < 3 || key[0] != (byte)'/')
        {
            return null;
        }

        var end = key[1..].IndexOf((byte)'/');
        return end <= 0 ? null : Encoding.UTF8.GetString(key.Slice(1, end));
    }
}
