// Key files hold the protobuf-encoded PrivateKey, as go-libp2p and js-libp2p tools store them.
namespace Casto.Stack.Identity;

/// <summary>Loads and creates private key files (owner-only permissions, 0600).</summary>
public static class KeyFile
{
    /// <summary>Largest key file read (keys are at most a few KB).</summary>
    public const int MaxFileSize = 64 * 1024;

    /// <summary>Reads a key file; throws <see cref="IdentityException"/> when it is missing or invalid.</summary>
    public static PrivateKey Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length > MaxFileSize)
            {
                throw new IdentityException(IdentityError.KeyFile, $"Key file '{path}' is larger than {MaxFileSize} bytes.");
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new IdentityException(IdentityError.KeyFile, $"Cannot read key file '{path}': {ex.Message}", ex);
        }

        try
        {
            return PrivateKey.FromProtobuf(bytes);
        }
        catch (IdentityException ex)
        {
            throw new IdentityException(ex.Error, $"Key file '{path}' does not hold a valid libp2p private key: {ex.Message}", ex);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>Writes <paramref name="key"/> to a new file readable only by its owner; never overwrites.</summary>
    public static void Save(PrivateKey key, string path)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = key.ToProtobuf();
        try
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var stream = new FileStream(path, options);
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new IdentityException(IdentityError.KeyFile, $"Cannot create key file '{path}': {ex.Message}", ex);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>Loads the key at <paramref name="path"/>, or creates it with a new Ed25519 key.</summary>
    public static PrivateKey LoadOrCreate(string path, out bool created)
    {
        created = false;
        if (File.Exists(path))
        {
            return Load(path);
        }

        var key = PrivateKey.Generate(KeyType.Ed25519);
        try
        {
            Save(key, path);
            created = true;
            return key;
        }
        catch (IdentityException) when (File.Exists(path))
        {
            // Another process created it first: use theirs.
            key.Dispose();
            return Load(path);
        }
    }
}
