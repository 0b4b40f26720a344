using Casto.Stack.Identity;
using Casto.Testing;

namespace Casto.Stack.Tests.Identity;

/// <summary>
/// Keys, signatures and peer ids against js-libp2p 3.x (@libp2p/crypto, @libp2p/peer-id).
/// ECDSA is left out: js-libp2p cannot derive ECDSA peer ids, marshals ECDSA public keys in a non-spec
/// ASN.1 layout and signs in IEEE P1363 form; Casto follows the spec vectors (as go-libp2p does).
/// </summary>
public sealed class JsInteropTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("casto-js-keys-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(KeyType.Ed25519)]
    [InlineData(KeyType.Secp256k1)]
    [InlineData(KeyType.Rsa)]
    public async Task Js_derives_our_peer_id_and_verifies_our_signature(KeyType type)
    {
        using var key = PrivateKey.Generate(type);
        var path = Path.Combine(_dir, $"{type}.key");
        KeyFile.Save(key, path);
        Assert.Equal(key.PeerId.ToString(), await JsPeers.RunAsync("keys.mjs", "id", path));

        var data = Convert.ToHexStringLower("casto interop"u8);
        var signature = Convert.ToHexStringLower(key.Sign("casto interop"u8));
        Assert.Equal("true", await JsPeers.RunAsync("keys.mjs", "verify", path, data, signature));
    }

    [Theory]
    [InlineData("Ed25519")]
    [InlineData("secp256k1")]
    [InlineData("RSA")]
    public async Task We_derive_js_peer_ids_and_verify_js_signatures(string type)
    {
        var path = Path.Combine(_dir, $"js-{type}.key");
        var jsId = await JsPeers.RunAsync("keys.mjs", "gen", type, path);
        using var key = KeyFile.Load(path);
        Assert.Equal(jsId, key.PeerId.ToString());
        Assert.Equal(jsId, await JsPeers.RunAsync("keys.mjs", "parse", key.PeerId.ToCidString()));

        var signature = await JsPeers.RunAsync("keys.mjs", "sign", path, "00ff10");
        Assert.True(key.PublicKey.Verify([0x00, 0xff, 0x10], Convert.FromHexString(signature)));
    }
}
