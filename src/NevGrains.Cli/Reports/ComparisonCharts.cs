using NevGrains.Api.V1;

using NevGrains.Cli.Output;

namespace NevGrains.Cli.Reports;

/// <summary>A per-cell quantity of a comparison that adds up over markets.</summary>
public enum CellMetric
{
    Units,
    GrossMarginUsd,
    TariffPaidUsd,
}

/// <summary>Charts of a scenario against its base (<see cref="CompareScenarioResponse"/>).</summary>
internal static class ComparisonCharts
{
    public static ReportChart ShareTrajectories(
        CompareScenarioResponse comparison, string owner, IReadOnlyList<string> markets, string? marketsLabel, ReportNames names)
    {
        var selection = Select(comparison, owner, markets);
        var years = Years(selection.Cells);
        var elements = new List<ChartElement>();
        var rows = new List<IReadOnlyList<string>>();
        for (var i = 0; i < selection.Markets.Count; i++)
        {
            var market = selection.Markets[i];
            var cells = selection.Cells.Where(c => c.Market == market).OrderBy(c => c.Year).ToList();
            double[] xs = [.. cells.Select(c => (double)c.Year)];
            elements.Add(new ChartLine(null, xs, [.. cells.Select(c => c.BaseShare)], i, Dashed: true));
            elements.Add(new ChartLine(names.Market(market), xs, [.. cells.Select(c => c.ScenarioShare)], i, Dashed: false));
            var (first, last) = (cells[0], cells[^1]);
            rows.Add([
                names.Market(market),
                .. years.Count > 1 ? [Numbers.Value(ValueFormat.Percent, first.BaseShare)] : Array.Empty<string>(),
                Numbers.Value(ValueFormat.Percent, last.BaseShare),
                Numbers.Value(ValueFormat.Percent, last.ScenarioShare),
                Numbers.Change(ValueFormat.Percent, last.ScenarioShare - last.BaseShare),
            ]);
        }
        elements.Add(new ChartLegendKey("Scenario (solid)", Dashed: false));
        elements.Add(new ChartLegendKey("Base (dashed)", Dashed: true));
        var (firstYear, lastYear) = (years[0], years[^1]);
        string[] columns =
        [
            "Market", .. years.Count > 1 ? [$"Base {firstYear}"] : Array.Empty<string>(), $"Base {lastYear}", $"Scenario {lastYear}",
            $"Change {lastYear}",
        ];
        var where = marketsLabel ?? names.Markets(selection.Markets);
        return new ReportChart(ChartKind.ShareTrajectories, $"{names.Owner(owner)} market share, {where}, base vs scenario", "",
            Source(comparison), ChartParts.YearAxis(years), new ChartAxis(MetricInfo.Of(MetricKind.Share).AxisLabel, ValueFormat.Percent),
            elements, new SummaryTable(columns, rows));
    }

    public static ReportChart ValueByYear(
        CompareScenarioResponse comparison, string owner, IReadOnlyList<string> markets, CellMetric metric, string? marketsLabel,
        ReportNames names)
    {
        var selection = Select(comparison, owner, markets);
        var info = MetricInfo.Of(metric switch
        {
            CellMetric.Units => MetricKind.Units,
            CellMetric.GrossMarginUsd => MetricKind.GrossMargin,
            CellMetric.TariffPaidUsd => MetricKind.TariffPaid,
            _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "not a cell metric"),
        });
        Func<CellChange, (double Base, double Scenario)> read = metric switch
        {
            CellMetric.Units => c => (c.BaseUnits, c.ScenarioUnits),
            CellMetric.GrossMarginUsd => c => (c.BaseGrossMarginUsd, c.ScenarioGrossMarginUsd),
            _ => c => (c.BaseTariffPaidUsd, c.ScenarioTariffPaidUsd),
        };
        var years = Years(selection.Cells);
        var totals = years
            .Select(y => selection.Cells.Where(c => c.Year == y).Select(read).Aggregate((Base: 0.0, Scenario: 0.0),
                (sum, v) => (sum.Base + v.Base, sum.Scenario + v.Scenario)))
            .ToList();
        const double width = 0.38;
        var scenario = string.IsNullOrEmpty(comparison.Scenario) ? "Scenario" : $"Scenario: {comparison.Scenario}";
        ChartElement[] elements =
        [
            new ChartBars("Base", [.. years.Select(y => y - width / 2)], [.. totals.Select(t => t.Base)], width, ReportChart.NeutralColor),
            new ChartBars(scenario, [.. years.Select(y => y + width / 2)], [.. totals.Select(t => t.Scenario)], width, 0),
        ];
        var rows = years.Select((y, i) => (IReadOnlyList<string>)
        [
            y.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Numbers.Value(info.Format, totals[i].Base),
            Numbers.Value(info.Format, totals[i].Scenario),
            Numbers.Change(info.Format, totals[i].Scenario - totals[i].Base),
            Numbers.Relative(totals[i].Base, totals[i].Scenario),
        ]).ToList();
        var where = marketsLabel ?? names.Markets(selection.Markets);
        return new ReportChart(ChartKind.ValueByYear, $"{names.Owner(owner)} {info.Noun} by year, {where}, base vs scenario", "",
            Source(comparison), ChartParts.YearAxis(years), new ChartAxis(info.AxisLabel, info.Format), elements,
            new SummaryTable(["Year", "Base", "Scenario", "Change", "Change %"], rows));
    }

    private static string Source(CompareScenarioResponse comparison) =>
        ChartParts.Subtitle("Scenario against its base", comparison.Scenario, comparison.DatasetVersion);

    private static List<int> Years(IEnumerable<CellChange> cells) => [.. cells.Select(c => c.Year).Distinct().Order()];

    /// <summary>The owner's cells in the markets (all the owner's markets when none are given); throws when any is missing.</summary>
    private static (IReadOnlyList<string> Markets, List<CellChange> Cells) Select(
        CompareScenarioResponse comparison, string owner, IReadOnlyList<string> markets)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentNullException.ThrowIfNull(markets);
        var owned = comparison.Cells.Where(c => c.Owner == owner).ToList();
        if (owned.Count == 0)
        {
            throw new ArgumentException(
                $"The comparison of scenario '{comparison.Scenario}' has no cells for owner '{owner}' " +
                $"(owners present: {ChartParts.List(comparison.Cells.Select(c => c.Owner))}).", nameof(owner));
        }
        IReadOnlyList<string> chosen = markets.Count == 0 ? [.. owned.Select(c => c.Market).Distinct().Order(StringComparer.Ordinal)] : [.. markets.Distinct()];
        var missing = chosen.Where(m => owned.All(c => c.Market != m)).ToList();
        if (missing.Count > 0)
        {
            throw new ArgumentException(
                $"The comparison of scenario '{comparison.Scenario}' has no cells for owner '{owner}' in market(s) {ChartParts.List(missing)} " +
                $"('{owner}' has cells in: {ChartParts.List(owned.Select(c => c.Market))}).", nameof(markets));
        }
        var cells = owned.Where(c => chosen.Contains(c.Market)).ToList();
        var duplicate = cells.GroupBy(c => (c.Market, c.Year)).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException(
                $"The comparison has {duplicate.Count()} cells for owner '{owner}' in market '{duplicate.Key.Market}' and year {duplicate.Key.Year}.",
                nameof(comparison));
        }
        return (chosen, cells);
    }
}
