using Casto.WebRtc.Sdp;

namespace Casto.WebRtc.Tests.Sdp;

/// <summary>Garbage and mutated descriptions only raise <see cref="SdpException"/>; limits are enforced.</summary>
public class SdpFuzzTests
{
    private static readonly string[] Lines = Vectors.Text("sdp/chromium-156-offer.sdp").Split("\r\n");

    [Theory]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("v=0\r\n")]
    [InlineData("o=- 1 1 IN IP4 0.0.0.0\r\nv=0\r\n")]
    [InlineData("v=1\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n")]
    [InlineData("v=0\r\no=- 1 x IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 RTP/AVP 200\r\n")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU\r\n")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\na=setup:maybe\r\n")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\na=fingerprint:sha-256 ZZ\r\n")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\nu=http://x\r\n")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nX=1\r\n")]
    public void Garbage_throws_sdp_exception(string text) => Assert.Throws<SdpException>(() => SessionDescription.Parse(text));

    [Fact]
    public void Limits_are_enforced()
    {
        const string head = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n";
        Assert.Equal(SdpError.TooLarge, Assert.Throws<SdpException>(() => SessionDescription.Parse(head + new string('x', SessionDescription.MaxLength))).Error);
        Assert.Equal(SdpError.TooManyLines, Assert.Throws<SdpException>(() => SessionDescription.Parse(head + string.Concat(Enumerable.Repeat("a=x\n", SessionDescription.MaxLines)))).Error);
        Assert.Equal(SdpError.TooManyMediaSections, Assert.Throws<SdpException>(() => SessionDescription.Parse(head + string.Concat(Enumerable.Repeat("m=audio 0 RTP/AVP 0\n", SessionDescription.MaxMediaSections + 1)))).Error);
        Assert.Equal(SessionDescription.MaxMediaSections, SessionDescription.Parse(head + string.Concat(Enumerable.Repeat("m=audio 0 RTP/AVP 0\n", SessionDescription.MaxMediaSections))).Media.Count);
    }

    [Fact]
    public void Random_text_only_raises_sdp_errors() =>
        Prop.ForAll<string>(text =>
        {
            text ??= string.Empty;
            Fuzz.OnlyThrows<SdpException>(() => SessionDescription.Parse(text));
            Fuzz.OnlyThrows<SdpException>(() => SessionDescription.Parse("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n" + text));
            Fuzz.OnlyThrows<SdpException>(() => SdpCandidate.Parse("candidate:" + text));
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Mutated_real_offers_only_raise_sdp_errors_and_round_trip_when_accepted() =>
        Prop.ForAll<int, string>((seed, junk) =>
        {
            var random = new Random(seed);
            var lines = Lines.ToList();
            for (var i = 0; i < 3; i++)
            {
                var at = random.Next(lines.Count);
                var line = lines[at];
                lines[at] = random.Next(4) switch
                {
                    0 => line[..random.Next(line.Length + 1)],
                    1 => line + (junk ?? string.Empty),
                    2 => line.Length > 2 ? line[..2] + (junk ?? string.Empty) + line[2..] : line,
                    _ => line.Replace(' ', random.Next(2) == 0 ? ':' : '/'),
                };
            }

            var text = string.Join("\r\n", lines);
            SessionDescription? parsed = null;
            Fuzz.OnlyThrows<SdpException>(() => parsed = SessionDescription.Parse(text));
            if (parsed is not null)
            {
                // Whatever parses must serialize to something that parses back to the same model.
                var again = SessionDescription.Parse(parsed.ToString());
                SdpAssert.Equal(parsed, again);
            }
        }).QuickCheckThrowOnFailure();
}
