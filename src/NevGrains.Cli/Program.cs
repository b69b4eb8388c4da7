using NevGrains.Cli;

return await NevApp.RunAsync(args, Console.Out, Console.Error);
