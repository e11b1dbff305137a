return Symbolic.Cli.CliApp.Run(args, Console.Out, Console.Error);
