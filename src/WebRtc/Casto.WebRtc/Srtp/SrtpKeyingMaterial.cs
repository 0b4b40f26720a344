namespace Casto.WebRtc.Srtp;

/// <summary>
/// Splits DTLS-SRTP exported keying material (label "EXTRACTOR-dtls_srtp", RFC 5764 §4.2) into the two
/// contexts of an endpoint: client_write_key | server_write_key | client_write_salt | server_write_salt.
/// </summary>
internal static class SrtpKeyingMaterial
{
    /// <summary>The exporter label to use with the DTLS keying material exporter (RFC 5764 §4.2).</summary>
    public const string ExporterLabel = "EXTRACTOR-dtls_srtp";

    /// <summary>
    /// Creates the outbound (local write keys) and inbound (remote write keys) contexts from
    /// <paramref name="material"/> of <see cref="SrtpProfileExtensions.KeyingMaterialLength"/> bytes.
    /// </summary>
    public static (SrtpContext Outbound, SrtpContext Inbound) CreateContexts(
        SrtpProfile profile, ReadOnlySpan<byte> material, bool isClient, SrtpOptions? options = null)
    {
        int key = profile.KeyLength();
        int salt = profile.SaltLength();
        if (material.Length != profile.KeyingMaterialLength())
        {
            throw new ArgumentException($"{profile} needs {profile.KeyingMaterialLength()} bytes of keying material.", nameof(material));
        }

        ReadOnlySpan<byte> clientKey = material[..key];
        ReadOnlySpan<byte> serverKey = material.Slice(key, key);
        ReadOnlySpan<byte> clientSalt = material.Slice(2 * key, salt);
        ReadOnlySpan<byte> serverSalt = material.Slice((2 * key) + salt, salt);
        SrtpContext client = SrtpContext.Create(profile, clientKey, clientSalt, options);
        try
        {
            SrtpContext server = SrtpContext.Create(profile, serverKey, serverSalt, options);
            return isClient ? (client, server) : (server, client);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }
}
