// Spec: https://www.rfc-editor.org/rfc/rfc7064 (stun: URI), https://www.rfc-editor.org/rfc/rfc7065 (turn: URI),
// https://www.w3.org/TR/webrtc/#rtciceserver-dictionary
using System.Globalization;

namespace Casto.WebRtc.Ice;

/// <summary>
/// One STUN or TURN server, as in <c>RTCIceServer</c> with a single URL: <c>stun:host[:port]</c> or
/// <c>turn:host[:port][?transport=udp]</c> (only UDP; turns:/TCP are refused), with <see cref="Username"/> and
/// <see cref="Credential"/> for TURN's long-term credentials. The host is an IP literal (IPv6 in brackets) or a DNS name.
/// </summary>
public sealed class IceServer
{
    /// <summary>The STUN/TURN port used when the URL names none.</summary>
    public const int DefaultPort = 3478;

    /// <summary>Parses <paramref name="url"/>; TURN needs <paramref name="username"/> and <paramref name="credential"/>.</summary>
    /// <exception cref="ArgumentException">An unsupported or malformed URL, or TURN without credentials.</exception>
    public IceServer(string url, string? username = null, string? credential = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        Url = url;
        Username = username;
        Credential = credential;
        (IsTurn, Host, Port) = Parse(url);
        if (IsTurn && (string.IsNullOrEmpty(username) || credential is null))
        {
            throw new ArgumentException($"TURN server '{url}' needs a username and a credential.", nameof(username));
        }
    }

    /// <summary>The URL as given.</summary>
    public string Url { get; }

    /// <summary>TURN long-term credential user name.</summary>
    public string? Username { get; }

    /// <summary>TURN long-term credential password.</summary>
    public string? Credential { get; }

    /// <summary>True for turn:, false for stun:.</summary>
    public bool IsTurn { get; }

    /// <summary>The host part without brackets.</summary>
    public string Host { get; }

    /// <summary>The port (default <see cref="DefaultPort"/>).</summary>
    public int Port { get; }

    /// <inheritdoc/>
    public override string ToString() => Url;

    private static (bool IsTurn, string Host, int Port) Parse(string url)
    {
        var colon = url.IndexOf(':', StringComparison.Ordinal);
        var scheme = colon > 0 ? url[..colon].ToLowerInvariant() : string.Empty;
        if (scheme is not ("stun" or "turn"))
        {
            throw new ArgumentException($"ICE server URL '{url}' must start with stun: or turn: (stuns:/turns: are not supported).", nameof(url));
        }

        var rest = url[(colon + 1)..];
        var query = rest.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            var parameters = rest[(query + 1)..];
            rest = rest[..query];
            if (scheme == "stun" || !parameters.Equals("transport=udp", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"ICE server URL '{url}': only turn:…?transport=udp is supported.", nameof(url));
            }
        }

        string host;
        var port = DefaultPort;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw new ArgumentException($"ICE server URL '{url}' has an unclosed IPv6 literal.", nameof(url));
            }

            host = rest[1..close];
            rest = rest[(close + 1)..];
            if (rest.Length > 0 && (rest[0] != ':' || !TryPort(rest[1..], out port)))
            {
                throw new ArgumentException($"ICE server URL '{url}' has a bad port.", nameof(url));
            }
        }
        else
        {
            var portColon = rest.LastIndexOf(':');
            host = portColon >= 0 ? rest[..portColon] : rest;
            if (portColon >= 0 && !TryPort(rest[(portColon + 1)..], out port))
            {
                throw new ArgumentException($"ICE server URL '{url}' has a bad port.", nameof(url));
            }
        }

        var bracketed = url.AsSpan(colon + 1).StartsWith("[");
        if (host.Length == 0 || (bracketed ? !System.Net.IPAddress.TryParse(host, out _) : host.Contains(':', StringComparison.Ordinal)))
        {
            throw new ArgumentException($"ICE server URL '{url}' has no valid host (IPv6 literals go in brackets).", nameof(url));
        }

        return (scheme == "turn", host, port);
    }

    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and <= 65535;
}
