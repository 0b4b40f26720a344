using System.Net;
using System.Text;
using Casto.WebRtc.Stun;

namespace Casto.WebRtc.Tests.Stun;

/// <summary>RFC 5769 test vectors: every one parses, verifies and re-encodes byte for byte (padding aside).</summary>
public class Rfc5769Tests
{
    private static readonly byte[] ShortTermKey = Encoding.UTF8.GetBytes("VOkJxbRl1RmTxUk/WvJxBt");
    private static readonly byte[] TransactionId = Convert.FromHexString("b7e7a701bc34d686fa87dfae");

    [Fact]
    public void Sample_request_parses_and_verifies()
    {
        var bytes = Vectors.Hex("rfc5769/sample-request.hex");
        Assert.True(StunMessage.TryRead(bytes, out var message));
        Assert.Equal(StunClass.Request, message.Class);
        Assert.Equal(StunMethod.Binding, message.Method);
        Assert.True(message.TransactionId.SequenceEqual(TransactionId));
        Assert.Equal("STUN test client", message.Software);
        Assert.Equal("evtj:h6vY", message.Username);
        Assert.Equal(0x6e0001ffu, message.Priority);
        Assert.Equal(0x932ff9b151263b36ul, message.IceControlled);
        Assert.Null(message.IceControlling);
        Assert.False(message.UseCandidate);
        Assert.True(message.VerifyFingerprint());
        Assert.True(message.VerifyMessageIntegrity(ShortTermKey));
        Assert.False(message.VerifyMessageIntegrity("wrong"u8));
        message.Validate(ShortTermKey, requireFingerprint: true);
    }

    [Fact]
    public void Sample_request_is_rebuilt_by_the_writer()
    {
        var expected = Vectors.Hex("rfc5769/sample-request.hex");
        var buffer = new byte[256];
        var writer = new StunWriter(buffer, StunClass.Request, StunMethod.Binding, TransactionId);
        writer.AddSoftware("STUN test client");
        writer.AddPriority(0x6e0001ff);
        writer.AddIceControlled(0x932ff9b151263b36);
        writer.AddUsername("evtj:h6vY");
        writer.AddMessageIntegrity(ShortTermKey);
        writer.AddFingerprint();
        var written = writer.Written.ToArray();

        // The vector pads USERNAME with 0x20 and we pad with 0x00 (both allowed), so MI and FINGERPRINT differ;
        // compare after padding is normalised: same length, same bytes outside the padding, and both verify.
        Assert.Equal(expected.Length, written.Length);
        Assert.True(StunMessage.TryRead(written, out var message));
        message.Validate(ShortTermKey, requireFingerprint: true);
        Assert.Equal("evtj:h6vY", message.Username);
        expected[69] = expected[70] = expected[71] = 0; // USERNAME padding
        Assert.Equal(expected[..69], written[..69]);
    }

    [Theory]
    [InlineData("rfc5769/ipv4-response.hex", "192.0.2.1")]
    [InlineData("rfc5769/ipv6-response.hex", "2001:db8:1234:5678:11:2233:4455:6677")]
    public void Responses_parse_verify_and_rebuild_exactly(string file, string address)
    {
        var bytes = Vectors.Hex(file);
        Assert.True(StunMessage.TryRead(bytes, out var message));
        Assert.Equal(StunClass.SuccessResponse, message.Class);
        Assert.Equal(StunMethod.Binding, message.Method);
        Assert.Equal("test vector", message.Software);
        Assert.True(message.TryGetXorMappedAddress(out var mapped));
        Assert.Equal(new IPEndPoint(IPAddress.Parse(address), 32853), mapped);
        message.Validate(ShortTermKey, requireFingerprint: true);

        // SOFTWARE "test vector" is 11 bytes padded with one 0x20; everything else is padding-free.
        var buffer = new byte[256];
        var writer = new StunWriter(buffer, StunClass.SuccessResponse, StunMethod.Binding, TransactionId);
        writer.Add(StunAttributeType.Software, "test vector"u8);
        writer.AddXorMappedAddress(mapped!);
        var copy = (byte[])bytes.Clone();
        copy[35] = 0;
        Assert.Equal(copy[4..writer.Length], writer.Written[4..].ToArray()); // the length field stops short of MI
        Assert.Equal(copy[..2], writer.Written[..2].ToArray());
    }

    [Fact]
    public void Long_term_request_verifies_and_rebuilds_byte_for_byte()
    {
        var bytes = Vectors.Hex("rfc5769/long-term-request.hex");
        Assert.True(StunMessage.TryRead(bytes, out var message));
        Assert.Equal("\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9", message.Username);
        Assert.Equal("f//499k954d6OL34oL9FSTvy64sA", message.Nonce);
        Assert.Equal("example.org", message.Realm);
        Assert.False(message.HasFingerprint);
        var key = StunCredentials.LongTermKey(message.Username!, "example.org", "TheMatrIX");
        Assert.True(message.VerifyMessageIntegrity(key));
        Assert.False(message.VerifyMessageIntegrity(StunCredentials.LongTermKey(message.Username!, "example.org", "thematrix")));
        message.Validate(key);
        Assert.Equal(StunError.MissingFingerprint, Assert.Throws<StunException>(() => Validate(bytes, key, true)).Error);

        var buffer = new byte[256];
        var writer = new StunWriter(buffer, StunClass.Request, StunMethod.Binding, message.TransactionId);
        writer.AddUsername(message.Username!);
        writer.AddString(StunAttributeType.Nonce, "f//499k954d6OL34oL9FSTvy64sA");
        writer.AddString(StunAttributeType.Realm, "example.org");
        writer.AddMessageIntegrity(key);
        Assert.Equal(bytes, writer.Written.ToArray());
    }

    [Fact]
    public void A_flipped_bit_fails_integrity_and_fingerprint()
    {
        var bytes = Vectors.Hex("rfc5769/sample-request.hex");
        bytes[30] ^= 1; // inside SOFTWARE
        var error = Assert.Throws<StunException>(() => Validate(bytes, ShortTermKey, false)).Error;
        Assert.Equal(StunError.FingerprintMismatch, error);
    }

    private static void Validate(byte[] bytes, byte[] key, bool requireFingerprint)
    {
        Assert.True(StunMessage.TryRead(bytes, out var message));
        message.Validate(key, requireFingerprint);
    }
}
