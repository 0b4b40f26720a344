using System.CommandLine;

namespace Casto.Cli.Commands;

/// <summary>The shared <c>--key FILE</c> option: a protobuf-encoded libp2p private key.</summary>
internal static class KeyOption
{
    public static Option<string?> Create() => new("--key")
    {
        Description = "Private key file (protobuf PrivateKey, mode 0600). Default: $XDG_CONFIG_HOME/casto/identity.key "
            + "(~/.config/casto/identity.key). Created with a new Ed25519 key when missing.",
        HelpName = "FILE",
    };

    public static string Resolve(string? path)
    {
        if (!string.IsNullOrEmpty(path))
        {
            return path;
        }

        var config = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
        if (string.IsNullOrEmpty(config))
        {
            config = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        }

        return Path.Combine(config, "casto", "identity.key");
    }
}
