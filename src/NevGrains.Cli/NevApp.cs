using System.CommandLine;
using NevGrains.Cli.Commands;

namespace NevGrains.Cli;

/// <summary>Builds the `nev` command tree; the entry point for Program.cs and for in-process tests.</summary>
public static class NevApp
{
    public static RootCommand BuildRoot(TextWriter output, TextWriter error)
    {
        var root = new RootCommand("nev: what-if scenarios for Chinese NEV makers abroad (NevGrains)");
        root.Options.Add(GlobalOptions.Server);
        root.Options.Add(GlobalOptions.ApiKey);
        foreach (var command in CatalogCommands.Build(output, error).Concat(ScenarioCommands.Build(output, error)).Concat(ExperimentCommands.Build(output, error)))
        {
            root.Subcommands.Add(command);
        }
        root.Subcommands.Add(BatchCommands.Build(output, error));
        root.Subcommands.Add(ReportCommands.Build(output, error));
        root.Subcommands.Add(AdminCommands.Build(output, error));
        root.Subcommands.Add(DataCommands.Build(output, error));
        root.Subcommands.Add(BaselineCommands.BuildSummary(output, error));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var root = BuildRoot(output, error);
        var parsed = root.Parse(args);
        var configuration = new InvocationConfiguration { Output = output, Error = error };
        return await parsed.InvokeAsync(configuration);
    }
}
