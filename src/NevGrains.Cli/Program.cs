using System.Globalization;
using NevGrains.Cli;

// Every number nev writes follows one invariant rule set (Output/Numbers.cs), whatever the machine's locale.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
return await NevApp.RunAsync(args, Console.Out, Console.Error);
