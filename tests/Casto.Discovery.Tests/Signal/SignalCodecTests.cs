using System.Text;
using Casto.Discovery.Signal;
using Casto.Stack.Identity;

namespace Casto.Discovery.Tests.Signal;

public sealed class SignalCodecTests
{
    private static readonly SignalMessage[] Samples =
    [
        new() { Type = SignalMessageType.Challenge, Nonce = "bm9uY2U", Server = "/ip4/127.0.0.1/tcp/1/ws/p2p-webrtc-star", ExpiresMs = 10000, HeartbeatMs = 5000 },
        new() { Type = SignalMessageType.Register, Nonce = "n", PeerId = "12D3KooW", PublicKey = "CAESIA==", Signature = "c2ln" },
        new() { Type = SignalMessageType.Join, Id = 7, Room = "stream/1 ü", Addrs = ["/ip4/1.2.3.4/tcp/5"] },
        new() { Type = SignalMessageType.Joined, Id = 7, Room = "r", Members = [new SignalMember("12D3KooW", ["/ip4/1.2.3.4/tcp/5"])] },
        new() { Type = SignalMessageType.Signal, Id = 9, To = "12D3KooW", Kind = SignalKind.Candidate, Data = "candidate:1 1 udp 1 \"x\" \u0001" },
        new() { Type = SignalMessageType.Error, Id = 9, Code = SignalError.UnknownPeer, Message = "no such peer" },
        new() { Type = SignalMessageType.PeerLeft, Room = "r", PeerId = "12D3KooW" },
    ];

    [Fact]
    public void Every_sample_round_trips()
    {
        foreach (var sample in Samples)
        {
            var bytes = SignalCodec.Encode(sample);
            var parsed = SignalCodec.Parse(bytes);
            Assert.Equal(Encoding.UTF8.GetString(bytes), Encoding.UTF8.GetString(SignalCodec.Encode(parsed)));
        }
    }

    [Fact]
    public void Wire_form_matches_the_protocol_document()
    {
        var text = Encoding.UTF8.GetString(SignalCodec.Encode(new SignalMessage { Type = SignalMessageType.Signal, Id = 3, To = "P", Kind = SignalKind.Offer, Data = "sdp" }));
        Assert.Equal("{\"type\":\"signal\",\"id\":3,\"to\":\"P\",\"kind\":\"offer\",\"data\":\"sdp\"}", text);
        var parsed = SignalCodec.Parse("{\"extra\":[1,{\"x\":2}],\"code\":\"some-future-code\",\"type\":\"error\"}"u8);
        Assert.Equal((SignalMessageType.Error, SignalError.BadMessage), (parsed.Type, parsed.Code));
    }

    [Fact]
    public void Auth_payload_is_domain_separated()
    {
        Assert.Equal("casto-signal-auth/v1\nN\n/ip4/1.2.3.4/tcp/5/ws", Encoding.UTF8.GetString(SignalAuth.Payload("N", "/ip4/1.2.3.4/tcp/5/ws")));
        using var key = PrivateKey.Generate();
        var register = SignalAuth.Register(key, "N", "S");
        Assert.Equal(key.PeerId, SignalAuth.Verify(register, "N", "S"));
        Assert.Equal(SignalError.BadSignature, Assert.Throws<SignalException>(() => SignalAuth.Verify(register, "N", "other server")).Error);
    }

    [Fact]
    public void Random_bytes_only_raise_signal_exceptions() =>
        Prop.ForAll<byte[]>(bytes => Fuzz.OnlyThrows<SignalException>(() => SignalCodec.Parse(bytes)))
            .QuickCheckThrowOnFailure();

    [Fact]
    public void Mutated_messages_only_raise_signal_exceptions() =>
        Prop.ForAll<int, int, byte>((sample, position, value) =>
        {
            var bytes = SignalCodec.Encode(Samples[Math.Abs(sample % Samples.Length)]);
            bytes[Math.Abs(position % bytes.Length)] = value;
            Fuzz.OnlyThrows<SignalException>(() => SignalCodec.Parse(bytes));
            Fuzz.OnlyThrows<SignalException>(() => SignalCodec.Parse(bytes.AsSpan(0, Math.Abs(position % bytes.Length))));
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Mutated_registrations_only_raise_signal_exceptions()
    {
        using var key = PrivateKey.Generate();
        var register = SignalAuth.Register(key, "N", "S");
        Prop.ForAll<int, char>((position, value) =>
        {
            var fields = new[] { register.PeerId!, register.PublicKey!, register.Signature! };
            var field = Math.Abs(position % 3);
            var chars = fields[field].ToCharArray();
            chars[Math.Abs(position / 3 % chars.Length)] = value;
            fields[field] = new string(chars);
            var mutated = new SignalMessage { Type = SignalMessageType.Register, Nonce = "N", PeerId = fields[0], PublicKey = fields[1], Signature = fields[2] };
            Fuzz.OnlyThrows<SignalException>(() => SignalAuth.Verify(mutated, "N", "S"));
        }).QuickCheckThrowOnFailure();
    }
}
