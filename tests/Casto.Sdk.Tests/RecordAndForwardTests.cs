using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Casto.Sdk;
using Casto.WebRtc.Media;

namespace Casto.Sdk.Tests;

public sealed partial class RecordAndForwardTests
{
    [Fact]
    public async Task RecordAsyncWritesAValidIvfFile()
    {
        using var cts = Loopback.Timeout();
        await using var publisher = await Loopback.PublishClipAsync("record", cts.Token);
        await using var media = await new CastoClient(Loopback.Options("record", publisher.Addresses)).StartAsync(cts.Token);
        string path = Path.Combine(Path.GetTempPath(), $"casto-record-{Guid.NewGuid():n}.ivf");
        try
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
            stop.CancelAfter(TimeSpan.FromSeconds(2));
            long written = await media.RecordAsync(path, stop.Token);
            Assert.True(written >= 20, $"frames written: {written}");

            await using var file = File.OpenRead(path);
            await using var reader = await IvfReader.OpenAsync(file);
            Assert.Equal(IvfFileHeader.Vp8FourCc, reader.Header.FourCc);
            Assert.Equal(320, reader.Header.Width);
            Assert.Equal(240, reader.Header.Height);
            Assert.Equal((uint)written, reader.Header.FrameCount);
            int count = 0;
            long previous = -1;
            while (await reader.ReadFrameAsync() is { } frame)
            {
                using (frame)
                {
                    if (count == 0)
                    {
                        Assert.True((frame.Data.Span[0] & 1) == 0, "the recording starts at a key frame (VP8 P bit 0)");
                        Assert.Equal(0, frame.Timestamp);
                    }

                    Assert.True(frame.Timestamp > previous, "timestamps increase");
                    previous = frame.Timestamp;
                    count++;
                }
            }

            Assert.Equal(written, count);
            Assert.InRange(previous, 90_000 * 1 / 2, 90_000 * 3); // ~2 s of a 90 kHz clock
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task ForwardRtpAsyncDeliversRtpMatchingTheSdp()
    {
        using var cts = Loopback.Timeout();
        await using var publisher = await Loopback.PublishClipAsync("forward", cts.Token);
        await using var media = await new CastoClient(Loopback.Options("forward", publisher.Addresses)).StartAsync(cts.Token);
        using var receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        receiver.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var destination = (IPEndPoint)receiver.LocalEndPoint!;

        string sdp = media.CreateSdp(destination);
        Match m = MediaLine().Match(sdp);
        Assert.True(m.Success, sdp);
        Assert.Equal(destination.Port, int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        int payloadType = int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"a=rtpmap:{payloadType} VP8/90000", sdp, StringComparison.Ordinal);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
        Task<long> forwarding = media.ForwardRtpAsync(destination, stop.Token);
        byte[] buffer = new byte[2048];
        int packets = 0;
        bool marker = false;
        while (packets < 50)
        {
            int n = await receiver.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            Assert.True(n >= 12);
            Assert.Equal(2, buffer[0] >> 6);
            Assert.Equal(payloadType, buffer[1] & 0x7F);
            marker |= (buffer[1] & 0x80) != 0;
            packets++;
        }

        await stop.CancelAsync();
        long sent = await forwarding;
        Assert.True(marker, "frame ends (RTP marker) came through");
        Assert.True(sent >= packets, $"sent {sent}, received {packets}");

        string file = Path.Combine(Path.GetTempPath(), $"casto-{Guid.NewGuid():n}.sdp");
        media.WriteSdpFile(file, destination);
        Assert.Equal(sdp, await File.ReadAllTextAsync(file, cts.Token));
        File.Delete(file);
    }

    [GeneratedRegex(@"m=video (\d+) RTP/AVP (\d+)")]
    private static partial Regex MediaLine();
}
