using System.CommandLine;
using NevGrains.Model.Data;

namespace NevGrains.Cli.Commands;

/// <summary>`nev baseline`: a readable summary of the shipped baseline (markets and brands in the base year).</summary>
public static class BaselineCommands
{
    public static Command BuildSummary(TextWriter output, TextWriter error)
    {
        var command = new Command("baseline", "Summarise the shipped baseline dataset");
        command.SetAction(_ =>
        {
            var dataset = DatasetLoader.LoadEmbeddedBaseline();
            output.WriteLine($"Baseline {dataset.Version}, base year {dataset.Manifest.BaseYear}: {dataset.Markets.Length} markets, {dataset.Brands.Length} brands");
            return ExitCodes.Ok;
        });
        return command;
    }
}
