// Spec: https://www.rfc-editor.org/rfc/rfc8489#section-9.2.2 (long-term key), §9.1.1 (short-term key)
using System.Security.Cryptography;
using System.Text;

namespace Casto.WebRtc.Stun;

/// <summary>Derives MESSAGE-INTEGRITY keys.</summary>
internal static class StunCredentials
{
    /// <summary>Short-term key (ICE): the UTF-8 password. ICE passwords are ASCII ice-chars, so OpaqueString is the identity.</summary>
    public static byte[] ShortTermKey(string password) => Encoding.UTF8.GetBytes(password);

    /// <summary>
    /// Long-term key: MD5(username ":" realm ":" password). The caller passes an already OpaqueString-prepared
    /// (RFC 8265) password; this codec does not implement the Unicode profile (invariant globalization).
    /// </summary>
    public static byte[] LongTermKey(string username, string realm, string password)
    {
#pragma warning disable CA5351 // MD5 is what RFC 8489 §9.2.2 mandates for the long-term key.
        return MD5.HashData(Encoding.UTF8.GetBytes($"{username}:{realm}:{password}"));
#pragma warning restore CA5351
    }
}
