using Casto.Stack.Identity;

namespace Casto.Stack.Tests.Identity;

public sealed class KeyFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("casto-keys-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Creates_an_ed25519_key_with_owner_only_permissions_and_reuses_it()
    {
        var path = Path.Combine(_dir, "sub", "identity.key");
        using var created = KeyFile.LoadOrCreate(path, out var wasCreated);
        Assert.True(wasCreated);
        Assert.Equal(KeyType.Ed25519, created.Type);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        Assert.Equal(created.ToProtobuf(), File.ReadAllBytes(path));
        using var loaded = KeyFile.LoadOrCreate(path, out wasCreated);
        Assert.False(wasCreated);
        Assert.Equal(created.PeerId, loaded.PeerId);
    }

    [Fact]
    public void Never_overwrites_an_existing_file()
    {
        var path = Path.Combine(_dir, "identity.key");
        using var key = PrivateKey.Generate();
        KeyFile.Save(key, path);
        using var other = PrivateKey.Generate();
        Assert.Equal(IdentityError.KeyFile, Assert.Throws<IdentityException>(() => KeyFile.Save(other, path)).Error);
    }

    [Fact]
    public void Rejects_garbage_missing_and_oversized_files()
    {
        var garbage = Path.Combine(_dir, "garbage.key");
        File.WriteAllText(garbage, "not a key");
        Assert.Equal(IdentityError.InvalidKeyEncoding, Assert.Throws<IdentityException>(() => KeyFile.Load(garbage)).Error);

        Assert.Equal(IdentityError.KeyFile, Assert.Throws<IdentityException>(() => KeyFile.Load(Path.Combine(_dir, "missing"))).Error);

        var huge = Path.Combine(_dir, "huge.key");
        File.WriteAllBytes(huge, new byte[KeyFile.MaxFileSize + 1]);
        Assert.Equal(IdentityError.KeyFile, Assert.Throws<IdentityException>(() => KeyFile.Load(huge)).Error);
    }
}
