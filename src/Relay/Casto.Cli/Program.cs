using Casto.Cli;

return await CastoCli.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
