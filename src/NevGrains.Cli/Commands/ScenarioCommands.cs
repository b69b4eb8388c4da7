using System.CommandLine;
using NevGrains.Api.V1;
using NevGrains.Cli.Files;
using NevGrains.Cli.Output;
using NevGrains.Cli.Reports;
using Spectre.Console;

namespace NevGrains.Cli.Commands;

/// <summary>One scenario at a time: <c>nev run</c>, <c>nev compare</c>, <c>nev explain</c> (scenario files: docs/scenarios.md).</summary>
public static class ScenarioCommands
{
    public static IEnumerable<Command> Build(TextWriter output, TextWriter error)
    {
        yield return Run(output, error);
        yield return Compare(output, error);
        yield return Explain(output, error);
    }

    internal static Argument<FileInfo> ScenarioFile() => new("scenario") { Description = "A scenario file (*.scenario.json, see docs/scenarios.md)" };

    private static Command Run(TextWriter output, TextWriter error)
    {
        var file = ScenarioFile();
        var filter = new ResultOptions();
        var format = OutputOptions.Format();
        var outFile = OutputOptions.Out();
        var command = new Command("run", "Run a scenario: units, shares, prices, revenue and margins per brand, market and year") { file, format, outFile };
        filter.AddTo(command);
        command.SetAction((parse, cancellation) => Invocation.Run(parse, output, error, cancellation, () => ReadScenario(parse, file), async (input, client, console, token) =>
        {
            var (path, scenario) = input;
            var response = await Invocation.FromFile(path, "scenario", () =>
                client.Scenarios.RunScenarioAsync(new RunScenarioRequest { Scenario = scenario, Filter = filter.Filter(parse), DatasetVersion = filter.Version(parse) },
                    cancellationToken: token).ResponseAsync);
            var result = response.Result;
            var detail = new Tabular("owner", "competitor", "market", "year", "bev_units", "phev_units", "other_units", "share_of_market", "average_price_usd",
                "revenue_usd", "gross_margin_usd", "tariff_paid_usd", "locally_built_share", "china_built_units", "unmet_units", "scarcity_rent_usd");
            foreach (var c in result.Cells)
            {
                detail.Add(c.Owner, c.IsCompetitor, c.Market, c.Year, c.BevUnits, c.PhevUnits, c.OtherUnits, c.ShareOfMarket, c.AveragePriceUsd,
                    c.RevenueUsd, c.GrossMarginUsd, c.TariffPaidUsd, c.LocallyBuiltShare, c.ChinaBuiltUnits, c.UnmetUnits, c.ScarcityRentUsd);
            }
            OutputOptions.Write(parse.GetValue(format), parse.GetValue(outFile), console, output, response, () =>
            {
                console.MarkupLine($"[bold]{Markup.Escape(result.Scenario)}[/] on dataset {Markup.Escape(result.DatasetVersion)}, {result.BaseYear}-{result.Horizon}");
                var totals = new Tabular("owner", "year", "units", "NEV units", "revenue, USD m", "gross margin, USD m", "duties paid, USD m");
                foreach (var g in result.Cells.GroupBy(c => (c.Owner, c.Year)).OrderBy(g => g.Key.Owner, StringComparer.Ordinal).ThenBy(g => g.Key.Year))
                {
                    totals.Add(g.Key.Owner, g.Key.Year, Quantity.Units(g.Sum(c => c.BevUnits + c.PhevUnits + c.OtherUnits)), Quantity.Units(g.Sum(c => c.BevUnits + c.PhevUnits)),
                        Quantity.UsdMillions(g.Sum(c => c.RevenueUsd)), Quantity.UsdMillions(g.Sum(c => c.GrossMarginUsd)), Quantity.UsdMillions(g.Sum(c => c.TariffPaidUsd)));
                }
                totals.WriteTable(console, "Totals " + Shown(result.Cells.Select(c => (c.Market, c.Year))));
            }, detail);
            ConvergenceWarning.Write(error, result.Diagnostics);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Compare(TextWriter output, TextWriter error)
    {
        var file = ScenarioFile();
        var filter = new ResultOptions();
        var format = OutputOptions.Format();
        var outFile = OutputOptions.Out();
        var command = new Command("compare", "Run a scenario and its base: the change in units, share, margin and duties") { file, format, outFile };
        filter.AddTo(command);
        command.SetAction((parse, cancellation) => Invocation.Run(parse, output, error, cancellation, () => ReadScenario(parse, file), async (input, client, console, token) =>
        {
            var (path, scenario) = input;
            var response = await Invocation.FromFile(path, "scenario", () =>
                client.Scenarios.CompareScenarioAsync(new CompareScenarioRequest { Scenario = scenario, Filter = filter.Filter(parse), DatasetVersion = filter.Version(parse) },
                    cancellationToken: token).ResponseAsync);
            OutputOptions.Write(parse.GetValue(format), parse.GetValue(outFile), console, output, response,
                () => WriteComparison(console, response), ComparisonRows(response));
            ConvergenceWarning.Write(error, response.Diagnostics, response.BaseDiagnostics);
            return ExitCodes.Ok;
        }));
        return command;
    }

    internal static Tabular ComparisonRows(CompareScenarioResponse response)
    {
        var rows = new Tabular("owner", "competitor", "market", "year", "base_units", "scenario_units", "base_share", "scenario_share",
            "base_gross_margin_usd", "scenario_gross_margin_usd", "base_tariff_paid_usd", "scenario_tariff_paid_usd");
        foreach (var c in response.Cells)
        {
            rows.Add(c.Owner, c.IsCompetitor, c.Market, c.Year, c.BaseUnits, c.ScenarioUnits, c.BaseShare, c.ScenarioShare,
                c.BaseGrossMarginUsd, c.ScenarioGrossMarginUsd, c.BaseTariffPaidUsd, c.ScenarioTariffPaidUsd);
        }
        return rows;
    }

    /// <summary>"over 6 markets de, es, fr, hu, it, rest-europe, 2025-2028": the markets and years a summary table adds up.</summary>
    internal static string Shown(IEnumerable<(string Market, int Year)> cells)
    {
        var list = cells.ToList();
        if (list.Count == 0)
        {
            return "(no cells)";
        }
        var markets = list.Select(c => c.Market).Distinct().Order(StringComparer.Ordinal).ToList();
        var (first, last) = (list.Min(c => c.Year), list.Max(c => c.Year));
        const int Named = 8;
        var names = markets.Count <= Named
            ? string.Join(", ", markets)
            : $"{string.Join(", ", markets.Take(Named))} and {markets.Count - Named} more";
        return $"over {(markets.Count == 1 ? "market" : $"{markets.Count} markets")} {names}, {(first == last ? $"{first}" : $"{first}-{last}")}";
    }

    /// <summary>The change per owner and year, summed over the markets shown.</summary>
    internal static void WriteComparison(IAnsiConsole console, CompareScenarioResponse response)
    {
        console.MarkupLine($"[bold]{Markup.Escape(response.Scenario)}[/] against the base, dataset {Markup.Escape(response.DatasetVersion)}");
        var rows = new Tabular("owner", "year", "base units", "scenario units", "change", "change %", "gross margin change, USD m", "duties change, USD m");
        foreach (var g in response.Cells.GroupBy(c => (c.Owner, c.Year)).OrderBy(g => g.Key.Owner, StringComparer.Ordinal).ThenBy(g => g.Key.Year))
        {
            var baseUnits = g.Sum(c => c.BaseUnits);
            var scenarioUnits = g.Sum(c => c.ScenarioUnits);
            if (baseUnits < 0.5 && scenarioUnits < 0.5)
            {
                continue;
            }
            rows.Add(g.Key.Owner, g.Key.Year, Quantity.Units(baseUnits), Quantity.Units(scenarioUnits), Quantity.Units(scenarioUnits - baseUnits),
                baseUnits > 0 ? Quantity.Share(scenarioUnits / baseUnits - 1) : "new",
                Quantity.UsdMillions(g.Sum(c => c.ScenarioGrossMarginUsd - c.BaseGrossMarginUsd)), Quantity.UsdMillions(g.Sum(c => c.ScenarioTariffPaidUsd - c.BaseTariffPaidUsd)));
        }
        rows.WriteTable(console, "Change " + Shown(response.Cells.Select(c => (c.Market, c.Year))));
    }

    private static Command Explain(TextWriter output, TextWriter error)
    {
        var file = ScenarioFile();
        var filter = new ResultOptions();
        var format = OutputOptions.Format();
        var outFile = OutputOptions.Out();
        var metric = new Option<string>("--metric")
        {
            Description = "units (default), revenue, gross-margin or tariff-paid",
            DefaultValueFactory = _ => "units",
        };
        metric.AcceptOnlyFromAmong("units", "revenue", "gross-margin", "tariff-paid");
        var command = new Command("explain", "Split a scenario's change by driver (tariffs, prices, plants, channel, infrastructure, demand, competitors)")
        {
            file, metric, format, outFile,
        };
        filter.AddTo(command);
        command.SetAction((parse, cancellation) => Invocation.Run(parse, output, error, cancellation, () => ReadScenario(parse, file), async (input, client, console, token) =>
        {
            var (path, scenario) = input;
            var explained = parse.GetValue(metric) switch
            {
                "revenue" => ExplainedMetric.Revenue,
                "gross-margin" => ExplainedMetric.GrossMargin,
                "tariff-paid" => ExplainedMetric.TariffPaid,
                _ => ExplainedMetric.Units,
            };
            var response = await Invocation.FromFile(path, "scenario", () => client.Scenarios.ExplainScenarioAsync(new ExplainScenarioRequest
            {
                Scenario = scenario, Metric = explained, Filter = filter.Filter(parse), DatasetVersion = filter.Version(parse),
            }, cancellationToken: token).ResponseAsync);
            var drivers = response.Drivers.Select(DriverName).ToArray();
            var detail = new Tabular(["owner", "competitor", "market", "year", "base", "scenario", .. drivers]);
            foreach (var c in response.Cells)
            {
                detail.Add([c.Owner, c.IsCompetitor, c.Market, c.Year, c.BaseValue, c.ScenarioValue, .. c.ByDriver.Cast<object>()]);
            }
            OutputOptions.Write(parse.GetValue(format), parse.GetValue(outFile), console, output, response, () =>
            {
                console.MarkupLine($"[bold]{Markup.Escape(response.Scenario)}[/]: change in {parse.GetValue(metric)} by driver (Shapley values; they add up to the change)");
                var unit = explained == ExplainedMetric.Units ? ValueFormat.Units : ValueFormat.UsdMillions;
                var rows = new Tabular(["owner", "year", unit == ValueFormat.Units ? "change" : "change, USD m", .. drivers]);
                foreach (var g in response.Cells.GroupBy(c => (c.Owner, c.Year)).OrderBy(g => g.Key.Owner, StringComparer.Ordinal).ThenBy(g => g.Key.Year))
                {
                    var change = g.Sum(c => c.ScenarioValue - c.BaseValue);
                    if (Math.Abs(change) < 0.5 && g.All(c => c.ByDriver.All(d => Math.Abs(d) < 0.5)))
                    {
                        continue;
                    }
                    rows.Add([g.Key.Owner, g.Key.Year, new Quantity(change, unit), .. Enumerable.Range(0, drivers.Length).Select(i => (object)new Quantity(g.Sum(c => c.ByDriver[i]), unit))]);
                }
                rows.WriteTable(console, "Change by driver " + Shown(response.Cells.Select(c => (c.Market, c.Year))));
            }, detail);
            ConvergenceWarning.Write(error, response.Diagnostics, response.BaseDiagnostics);
            return ExitCodes.Ok;
        }));
        return command;
    }

    internal static (string Path, Scenario Scenario) ReadScenario(ParseResult parse, Argument<FileInfo> file)
    {
        var path = parse.GetValue(file)!.FullName;
        return (path, ProtoJsonFile.Read<Scenario>(path));
    }

    internal static string DriverName(Driver driver) => driver switch
    {
        Driver.Tariff => "tariff",
        Driver.Price => "price",
        Driver.PlantRoute => "plant/route",
        Driver.Channel => "channel",
        Driver.Infrastructure => "infrastructure",
        Driver.Demand => "demand",
        Driver.Competitor => "competitor",
        _ => driver.ToString(),
    };
}
