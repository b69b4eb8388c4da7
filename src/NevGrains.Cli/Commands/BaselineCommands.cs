using System.CommandLine;
using NevGrains.Model.Calibration;
using NevGrains.Model.Data;
using NevGrains.Model.Engine;
using NevGrains.Cli.Output;
using NevGrains.Cli.Reports;
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
                markets.AddRow(Markup.Escape($"{market.Name} ({market.Id})"), Numbers.Value(ValueFormat.Units, market.NewCarSales.Value),
                    Numbers.Value(ValueFormat.Percent, market.BevShare.Value), Numbers.Value(ValueFormat.Percent, market.PhevShare.Value),
                    Numbers.Value(ValueFormat.Units, market.PublicChargers.Value), Numbers.Value(ValueFormat.Percent, chinese / market.NewCarSales.Value));
            }
            console.Write(markets);

            var report = CalibrationCheck.Report(compiled);
            var targets = new Table().Title("Calibration targets (base year)").AddColumns("target", "value", "model", "error", "met");
            foreach (var target in report.Targets)
            {
                targets.AddRow(Markup.Escape(target.Description), Numbers.Value(ValueFormat.Units, target.Target), Numbers.Value(ValueFormat.Units, target.Model),
                    Numbers.Relative(1, 1 + target.RelativeError),
                    target.Met ? "[green]yes[/]" : "[red]no[/]");
            }
            console.Write(targets);
            console.MarkupLine($"Largest brand x market cell error: {Numbers.Value(ValueFormat.Percent, report.MaxCellError)} over {report.Cells.Length} cells with data.");
            return ExitCodes.Ok;
        });
        return command;
    }
}
