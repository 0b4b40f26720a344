using System.CommandLine;
using Casto.Stack.Identity;

namespace Casto.Cli.Commands;

/// <summary><c>casto id [--key FILE]</c>: prints the node's peer id, creating the key file on first use.</summary>
internal static class IdCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var key = KeyOption.Create();
        var command = new Command("id", "Print this node's peer id (creates the key file with a new Ed25519 key if it does not exist).")
        {
            key,
        };
        command.SetAction(result =>
        {
            var path = KeyOption.Resolve(result.GetValue(key));
            try
            {
                using var privateKey = KeyFile.LoadOrCreate(path, out var created);
                if (created)
                {
                    stderr.WriteLine($"created a new Ed25519 key in {path}");
                }

                stdout.WriteLine(privateKey.PeerId.ToString());
                return CastoCli.Ok;
            }
            catch (IdentityException ex)
            {
                stderr.WriteLine($"casto id: {ex.Message}");
                return CastoCli.Failed;
            }
        });
        return command;
    }
}
