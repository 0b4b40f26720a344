using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

// A new Ed25519 identity (use KeyFile.LoadOrCreate to keep one across runs).
using var key = PrivateKey.Generate();
Console.WriteLine($"peer id (base58): {key.PeerId}");
Console.WriteLine($"peer id (CIDv1):  {key.PeerId.ToCidString()}");

// Addresses carry the peer id in their last /p2p component.
var address = Multiaddr.Parse("/ip4/127.0.0.1/tcp/4001").WithPeerId(key.PeerId);
Console.WriteLine($"dial:             {address}");
Console.WriteLine($"peer in address:  {address.PeerId == key.PeerId}");

// Signatures use the key type's libp2p scheme; anyone holding the peer id can check them.
var signature = key.Sign("hello"u8);
Console.WriteLine($"signature valid:  {key.PeerId.PublicKey!.Verify("hello"u8, signature)}");
