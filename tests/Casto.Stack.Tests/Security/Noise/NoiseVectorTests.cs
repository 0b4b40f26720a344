using Casto.Stack.Security.Noise;

namespace Casto.Stack.Tests.Security.Noise;

/// <summary>Our Noise state machine (HandshakeState, SymmetricState, CipherState) against published XX vectors (Vectors/noise/xx.txt).</summary>
public class NoiseVectorTests
{
    public static TheoryData<string> Sources()
    {
        var data = new TheoryData<string>();
        foreach (var row in TestVectors.Read("noise/xx.txt").Where(r => r[0] == "vector"))
        {
            data.Add(row[1]);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Handshake_and_transport_messages_match_the_vector(string source)
    {
        var (vector, messages) = Load(source);
        var prologue = Convert.FromHexString(vector[2]);
        using var initStatic = X25519KeyPair.FromPrivateKey(Convert.FromHexString(vector[3]));
        using var respStatic = X25519KeyPair.FromPrivateKey(Convert.FromHexString(vector[5]));
        using var initiator = new HandshakeState(true, initStatic, prologue, X25519KeyPair.FromPrivateKey(Convert.FromHexString(vector[4])));
        using var responder = new HandshakeState(false, respStatic, prologue, X25519KeyPair.FromPrivateKey(Convert.FromHexString(vector[6])));
        var message = new byte[65535];
        var payload = new byte[65535];

        for (var i = 0; i < HandshakeState.MessageCount; i++)
        {
            var (sender, receiver) = i % 2 == 0 ? (initiator, responder) : (responder, initiator);
            var (expectedPayload, expectedCiphertext) = messages[i];
            Assert.True(sender.IsMyTurn);
            var length = sender.WriteMessage(expectedPayload, message);
            Assert.Equal(Convert.ToHexStringLower(expectedCiphertext), Convert.ToHexStringLower(message.AsSpan(0, length)));
            var read = receiver.ReadMessage(message.AsSpan(0, length), payload);
            Assert.Equal(expectedPayload, payload.AsSpan(0, read).ToArray());
        }

        Assert.True(initiator.IsComplete && responder.IsComplete);
        Assert.Equal(initiator.HandshakeHash.ToArray(), responder.HandshakeHash.ToArray());
        if (vector[7].Length > 0)
        {
            Assert.Equal(vector[7], Convert.ToHexStringLower(initiator.HandshakeHash));
        }

        Assert.Equal(respStatic.PublicKey, initiator.RemoteStaticKey.ToArray());
        Assert.Equal(initStatic.PublicKey, responder.RemoteStaticKey.ToArray());

        var (initSend, initReceive) = initiator.Split();
        var (respSend, respReceive) = responder.Split();
        using (initSend)
        using (initReceive)
        using (respSend)
        using (respReceive)
        {
            for (var i = HandshakeState.MessageCount; i < messages.Count; i++)
            {
                var (send, receive) = i % 2 == 0 ? (initSend, respReceive) : (respSend, initReceive);
                var (expectedPayload, expectedCiphertext) = messages[i];
                var length = send.EncryptWithAd([], expectedPayload, message);
                Assert.Equal(Convert.ToHexStringLower(expectedCiphertext), Convert.ToHexStringLower(message.AsSpan(0, length)));
                var read = receive.DecryptWithAd([], message.AsSpan(0, length), payload);
                Assert.Equal(expectedPayload, payload.AsSpan(0, read).ToArray());
            }
        }
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void A_flipped_bit_in_message_two_fails_decryption(string source)
    {
        var (vector, messages) = Load(source);
        using var initStatic = X25519KeyPair.FromPrivateKey(Convert.FromHexString(vector[3]));
        using var initiator = new HandshakeState(true, initStatic, Convert.FromHexString(vector[2]), X25519KeyPair.FromPrivateKey(Convert.FromHexString(vector[4])));
        var message = new byte[65535];
        initiator.WriteMessage(messages[0].Payload, message);
        var tampered = messages[1].Ciphertext.ToArray();
        tampered[^1] ^= 0x01;

        var ex = Assert.Throws<NoiseException>(() => initiator.ReadMessage(tampered, new byte[65535]));
        Assert.Equal(NoiseError.DecryptionFailed, ex.Error);
    }

    [Fact]
    public void Message_sizes_follow_the_XX_pattern()
    {
        using var s = X25519KeyPair.Generate();
        using var initiator = new HandshakeState(true, s, []);
        using var responder = new HandshakeState(false, s, []);
        var buffer = new byte[1024];
        Assert.Equal(32, initiator.GetMessageSize(0));
        var n = initiator.WriteMessage([], buffer);
        Assert.Equal(32, n);
        responder.ReadMessage(buffer.AsSpan(0, n), new byte[1024]);
        Assert.Equal(32 + 48 + 10 + 16, responder.GetMessageSize(10));
        n = responder.WriteMessage(new byte[10], buffer);
        Assert.Equal(106, n);
        initiator.ReadMessage(buffer.AsSpan(0, n), new byte[1024]);
        Assert.Equal(48 + 16, initiator.GetMessageSize(0));
    }

    [Fact]
    public void A_short_message_fails_the_handshake()
    {
        using var s = X25519KeyPair.Generate();
        using var responder = new HandshakeState(false, s, []);
        var ex = Assert.Throws<NoiseException>(() => responder.ReadMessage(new byte[31], new byte[64]));
        Assert.Equal(NoiseError.HandshakeFailed, ex.Error);
    }

    [Fact]
    public void A_low_order_remote_key_fails_the_handshake()
    {
        using var s = X25519KeyPair.Generate();
        using var initiator = new HandshakeState(true, s, []);
        initiator.WriteMessage([], new byte[64]);
        var message = new byte[32 + 48 + 16]; // e = 0 (a low-order point): DH(e, re) is all zeros
        var ex = Assert.Throws<NoiseException>(() => initiator.ReadMessage(message, new byte[128]));
        Assert.Equal(NoiseError.HandshakeFailed, ex.Error);
    }

    [Fact]
    public void Nonce_2_pow_64_minus_1_is_never_used()
    {
        using var send = new CipherState();
        using var receive = new CipherState();
        var key = new byte[32];
        send.InitializeKey(key);
        receive.InitializeKey(key);
        send.Nonce = receive.Nonce = ulong.MaxValue - 1;
        var buffer = new byte[32];

        var length = send.EncryptWithAd([], [1, 2, 3], buffer);
        Assert.Equal(3, receive.DecryptWithAd([], buffer.AsSpan(0, length), buffer));
        Assert.Equal(NoiseError.NonceExhausted, Assert.Throws<NoiseException>(() => send.EncryptWithAd([], [1], buffer)).Error);
        Assert.Equal(NoiseError.NonceExhausted, Assert.Throws<NoiseException>(() => receive.DecryptWithAd([], buffer.AsSpan(0, 17), buffer)).Error);
    }

    private static (string[] Vector, List<(byte[] Payload, byte[] Ciphertext)> Messages) Load(string source)
    {
        string[]? vector = null;
        var messages = new List<(byte[], byte[])>();
        foreach (var row in TestVectors.Read("noise/xx.txt"))
        {
            if (row[0] == "vector")
            {
                if (vector is not null)
                {
                    break;
                }

                vector = row[1] == source ? row : null;
            }
            else if (vector is not null)
            {
                messages.Add((Convert.FromHexString(row[1]), Convert.FromHexString(row[2])));
            }
        }

        return (vector ?? throw new InvalidOperationException($"No vector {source}."), messages);
    }
}
