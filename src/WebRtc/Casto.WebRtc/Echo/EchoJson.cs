using System.Buffers;
using System.Text.Json;

namespace Casto.WebRtc.Echo;

/// <summary>The echo protocol's one JSON shape, <c>{"type":…,"sdp":…}</c> (an RTCSessionDescriptionInit), written without reflection (NativeAOT).</summary>
internal static class EchoJson
{
    public static string Description(string type, string sdp)
    {
        var buffer = new ArrayBufferWriter<byte>(sdp.Length + 32);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", type);
            json.WriteString("sdp", sdp);
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
