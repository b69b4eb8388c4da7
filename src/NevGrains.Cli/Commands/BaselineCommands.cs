using System.CommandLine;
using NevGrains.Model.Calibration;
using NevGrains.Model.Data;
using NevGrains.Model.Engine;
using Spectre.Console;

namespace NevGrains.Cli.Commands;

/// <summary>`nev baseline`: a readable summary of the shipped baseline and how the calibrated base year matches its targets.</summary>
public static class BaselineCommands
{
    public static Command BuildSummary(TextWriter output, TextWriter error)
    {
        var command = new Command("baseline", "Summarise the shipped baseline dataset and its calibration");
        command.SetAction(_ =>
        {
            var console = Terminal.Create(output);
            var compiled = CompiledBaseline.Shipped;
            var dataset = compiled.Dataset;
            console.MarkupLine($"[bold]NevGrains baseline {Markup.Escape(dataset.Version)}[/], base year {dataset.Manifest.BaseYear}: " +
                               $"{dataset.Markets.Length} markets, {dataset.Brands.Length} brands, {dataset.Sources.Length} sources");

            var markets = new Table().Title("Markets, 2025").AddColumns("market", "new cars", "BEV", "PHEV", "public chargers", "Chinese brands");
            foreach (var market in dataset.Markets)
            {
                var chinese = dataset.Brands.SelectMany(b => b.Markets.OrEmpty().Where(p => p.Market == market.Id))
                    .SelectMany(p => p.Sales.OrEmpty()).Sum(s => s.Units.Value);
                markets.AddRow(Markup.Escape($"{market.Name} ({market.Id})"), $"{market.NewCarSales.Value:N0}", $"{market.BevShare.Value:P1}",
                    $"{market.PhevShare.Value:P1}", $"{market.PublicChargers.Value:N0}", $"{chinese / market.NewCarSales.Value:P1}");
            }
            console.Write(markets);

            var report = CalibrationCheck.Report(compiled);
            var targets = new Table().Title("Calibration targets (base year)").AddColumns("target", "value", "model", "error", "met");
            foreach (var target in report.Targets)
            {
                targets.AddRow(Markup.Escape(target.Description), $"{target.Target:N0}", $"{target.Model:N0}", $"{target.RelativeError:+0.0%;-0.0%}",
                    target.Met ? "[green]yes[/]" : "[red]no[/]");
            }
            console.Write(targets);
            console.MarkupLine($"Largest brand x market cell error: {report.MaxCellError:P3} over {report.Cells.Length} cells with data.");
            return ExitCodes.Ok;
        });
        return command;
    }
}
