using System.Globalization;
using NevGrains.Api.V1;

using NevGrains.Cli.Output;

namespace NevGrains.Cli.Reports;

/// <summary>Charts of experiments: sensitivity (tornado), Monte Carlo (fans and distributions), sweeps.</summary>
internal static class ExperimentCharts
{
    /// <summary>Colour indexes of the tornado's two sides.</summary>
    public const int LowColor = 0, HighColor = 1;

    public static ReportChart Tornado(RunSensitivityResponse sensitivity, MetricSpec? metric, ReportNames names)
    {
        ArgumentNullException.ThrowIfNull(sensitivity);
        if (sensitivity.Bars.Count == 0)
        {
            throw new ArgumentException($"The sensitivity response for metric '{sensitivity.Metric}' has no tornado bars.", nameof(sensitivity));
        }
        var (info, what) = Metric(metric ?? MetricInfo.ParseLabel(sensitivity.Metric), sensitivity.Metric, names);
        var bars = sensitivity.Bars.OrderByDescending(b => Math.Abs(b.MetricAtHigh - b.MetricAtLow)).ToList();
        var center = sensitivity.Center;
        var elements = new List<ChartElement>();
        for (var i = 0; i < bars.Count; i++)
        {
            var bar = bars[i];
            elements.Add(new ChartTornadoBar(bar.Parameter, TargetLabels.Parameter(bar.Parameter), bars.Count - 1 - i, center, bar.MetricAtLow,
                bar.MetricAtHigh, Formats.Tick(ValueFormat.Number, bar.LowValue), Formats.Tick(ValueFormat.Number, bar.HighValue)));
        }
        elements.Add(new ChartReferenceLine($"At default parameters: {Numbers.Value(info.Format, center)}", center));
        var rows = bars.Select(b => (IReadOnlyList<string>)
        [
            TargetLabels.Parameter(b.Parameter),
            b.Parameter,
            Formats.Tick(ValueFormat.Number, b.LowValue),
            Formats.Tick(ValueFormat.Number, b.HighValue),
            Numbers.Value(info.Format, b.MetricAtLow),
            Numbers.Value(info.Format, b.MetricAtHigh),
            Numbers.Change(info.Format, b.MetricAtHigh - b.MetricAtLow),
        ]).ToList();
        return new ReportChart(ChartKind.Tornado, $"Sensitivity of {what} to one parameter at a time", "",
            ChartParts.Subtitle("Bars run from the metric at each parameter's low value to its high value (values at the bar ends)", null,
                sensitivity.DatasetVersion),
            new ChartAxis(info.AxisLabel, info.Format),
            ChartParts.CategoryAxis("Parameter", elements.OfType<ChartTornadoBar>().Select(b => (b.Position, b.Name))),
            elements,
            new SummaryTable(["Parameter", "Name in files", "Low value", "High value", "Metric at low", "Metric at high", "Swing (high - low)"], rows));
    }

    public static IReadOnlyList<ReportChart> Fans(MonteCarloSpec spec, RunMonteCarloResponse result, ReportNames names)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(result);
        if (spec.Metrics.Count == 0)
        {
            throw new ArgumentException("The Monte Carlo spec has no metrics.", nameof(spec));
        }
        if (result.Metrics.Count != spec.Metrics.Count)
        {
            throw new ArgumentException(
                $"The Monte Carlo result has {result.Metrics.Count} metric summaries for the spec's {spec.Metrics.Count} metrics.", nameof(result));
        }
        var missing = result.Metrics.FirstOrDefault(m => m.Base is null || m.Scenario is null || m.Delta is null);
        if (missing is not null)
        {
            throw new ArgumentException($"The Monte Carlo result's metric '{missing.Metric}' lacks base, scenario or delta quantiles.", nameof(result));
        }
        var subtitle = ChartParts.Subtitle($"{result.Draws.ToString("N0", CultureInfo.InvariantCulture)} draws (seed {result.Seed})",
            spec.Scenario?.Name, result.DatasetVersion);
        return [.. spec.Metrics.Zip(result.Metrics)
            .GroupBy(p => (p.First.Metric, p.First.Owner, Markets: string.Join('\n', p.First.Markets.Order(StringComparer.Ordinal))))
            .Select(group =>
            {
                var byYear = group.DistinctBy(p => p.First.Year).OrderBy(p => p.First.Year).ToList();
                return byYear.Count > 1
                    ? Fan(byYear, names, subtitle)
                    : Distribution(byYear[0].First, byYear[0].Second, names, subtitle);
            })];
    }

    private static ReportChart Fan(List<(MetricSpec Spec, MetricSummary Summary)> byYear, ReportNames names, string subtitle)
    {
        var spec = byYear[0].Spec;
        var info = MetricInfo.Of(spec.Metric);
        double[] xs = [.. byYear.Select(p => (double)p.Spec.Year)];
        var scenario = byYear.Select(p => p.Summary.Scenario).ToList();
        ChartElement[] elements =
        [
            new ChartBand("Scenario P10-P90", xs, [.. scenario.Select(q => q.P10)], [.. scenario.Select(q => q.P90)], 0),
            new ChartLine("Scenario P50", xs, [.. scenario.Select(q => q.P50)], 0, Dashed: false),
            new ChartLine("Base P50", xs, [.. byYear.Select(p => p.Summary.Base.P50)], ReportChart.NeutralColor, Dashed: true),
        ];
        var rows = byYear.Select(p => (IReadOnlyList<string>)
        [
            p.Spec.Year.ToString(CultureInfo.InvariantCulture),
            Numbers.Value(info.Format, p.Summary.Base.P50),
            Numbers.Value(info.Format, p.Summary.Scenario.P10),
            Numbers.Value(info.Format, p.Summary.Scenario.P50),
            Numbers.Value(info.Format, p.Summary.Scenario.P90),
            Numbers.Change(info.Format, p.Summary.Delta.P50),
            $"{Numbers.Change(info.Format, p.Summary.Delta.P10)} to {Numbers.Change(info.Format, p.Summary.Delta.P90)}",
        ]).ToList();
        return new ReportChart(ChartKind.Fan, $"{Describe(spec, names, withYear: false)}: Monte Carlo P10-P90 by year, base vs scenario", "",
            subtitle, ChartParts.YearAxis([.. byYear.Select(p => p.Spec.Year)]), new ChartAxis(info.AxisLabel, info.Format), elements,
            new SummaryTable(["Year", "Base P50", "Scenario P10", "Scenario P50", "Scenario P90", "Change P50", "Change P10 to P90"], rows));
    }

    private static ReportChart Distribution(MetricSpec spec, MetricSummary summary, ReportNames names, string subtitle)
    {
        var info = MetricInfo.Of(spec.Metric);
        const double width = 0.5;
        ChartElement[] elements =
        [
            new ChartBars("Base", [0], [summary.Base.P50], width, ReportChart.NeutralColor, [summary.Base.P10], [summary.Base.P90]),
            new ChartBars("Scenario", [1], [summary.Scenario.P50], width, 0, [summary.Scenario.P10], [summary.Scenario.P90]),
        ];
        IReadOnlyList<string> Row(string name, Quantiles q, Func<ValueFormat, double, string> format) =>
            [name, format(info.Format, q.P10), format(info.Format, q.P50), format(info.Format, q.P90), format(info.Format, q.Mean)];
        return new ReportChart(ChartKind.Distribution,
            $"{Describe(spec, names, withYear: true)}: Monte Carlo P50 with P10-P90 whiskers, base vs scenario", "", subtitle,
            ChartParts.CategoryAxis("", [(0, "Base"), (1, "Scenario")]), new ChartAxis(info.AxisLabel, info.Format), elements,
            new SummaryTable(["", "P10", "P50", "P90", "Mean"],
                [Row("Base", summary.Base, Numbers.Value), Row("Scenario", summary.Scenario, Numbers.Value), Row("Change", summary.Delta, Numbers.Change)]));
    }

    public static IReadOnlyList<ReportChart> Sweep(RunSweepResponse sweep, SweepSpec? spec, ReportNames names)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        if (sweep.Axes.Count == 0 || sweep.Metrics.Count == 0 || sweep.Points.Count == 0)
        {
            var what = sweep.Axes.Count == 0 ? "axes" : sweep.Metrics.Count == 0 ? "metrics" : "points";
            throw new ArgumentException($"The sweep response has no {what}.", nameof(sweep));
        }
        var bad = sweep.Points.FirstOrDefault(p => p.AxisValues.Count != sweep.Axes.Count || p.Metrics.Count != sweep.Metrics.Count);
        if (bad is not null)
        {
            throw new ArgumentException(
                $"Sweep point {bad.Index} has {bad.AxisValues.Count} axis values and {bad.Metrics.Count} metrics " +
                $"for {sweep.Axes.Count} axes and {sweep.Metrics.Count} metrics.", nameof(sweep));
        }
        if (spec is not null && spec.Metrics.Count != sweep.Metrics.Count)
        {
            throw new ArgumentException($"The sweep spec has {spec.Metrics.Count} metrics for the response's {sweep.Metrics.Count}.", nameof(spec));
        }
        var x = TargetLabels.SweepAxis(sweep.Axes[0], spec?.Scenario);
        var others = sweep.Axes.Skip(1).Select(a => TargetLabels.SweepAxis(a, spec?.Scenario)).ToList();
        var lines = sweep.Points
            .GroupBy(p => string.Join(' ', p.AxisValues.Skip(1).Select(v => v.ToString("R", CultureInfo.InvariantCulture))))
            .Select(g => (
                Label: string.Join(", ", others.Select((axis, k) => $"{axis.Name} = {Formats.Tick(axis.Format, g.First().AxisValues[k + 1])}")),
                Points: g.OrderBy(p => p.AxisValues[0]).ToList()))
            .ToList();
        var xs = sweep.Points.Select(p => p.AxisValues[0]).Distinct().Order().ToList();
        var (first, last) = (xs[0], xs[^1]);
        // A tick at each value the sweep took, unless there are too many to read.
        var xAxis = xs.Count <= 12
            ? new ChartAxis(x.Axis, x.Format, [.. xs.Zip(Formats.Ticks(x.Format, xs), (v, label) => new AxisTick(v, label))])
            : new ChartAxis(x.Axis, x.Format);
        var charts = new List<ReportChart>();
        for (var m = 0; m < sweep.Metrics.Count; m++)
        {
            var metric = m;
            var (info, what) = Metric(spec?.Metrics[m] ?? MetricInfo.ParseLabel(sweep.Metrics[m]), sweep.Metrics[m], names);
            var elements = lines.Select((l, i) => (ChartElement)new ChartLine(l.Label.Length == 0 ? null : l.Label,
                [.. l.Points.Select(p => p.AxisValues[0])], [.. l.Points.Select(p => p.Metrics[metric])], i, Dashed: false)).ToList();
            var rows = lines.Select(l =>
            {
                var values = l.Points.Select(p => p.Metrics[metric]).ToList();
                string At(double value) => l.Points.FirstOrDefault(p => p.AxisValues[0] == value) is { } p ? Numbers.Value(info.Format, p.Metrics[metric]) : "";
                return (IReadOnlyList<string>)
                [
                    l.Label.Length == 0 ? "all points" : l.Label, At(first), At(last), Numbers.Value(info.Format, values.Min()),
                    Numbers.Value(info.Format, values.Max()),
                ];
            }).ToList();
            var by = others.Count == 0 ? "" : $", by {string.Join(" and ", others.Select(o => o.InSentence))}";
            charts.Add(new ReportChart(ChartKind.Sweep, $"{what} vs {x.InSentence}{by}", "",
                ChartParts.Subtitle($"Sweep over {sweep.Points.Count.ToString("N0", CultureInfo.InvariantCulture)} points", null, sweep.DatasetVersion),
                xAxis, new ChartAxis(info.AxisLabel, info.Format), elements,
                new SummaryTable([others.Count == 0 ? "Series" : string.Join(", ", others.Select(o => o.Name)),
                    $"At {x.InSentence} = {Formats.Tick(x.Format, first)}", $"At {x.InSentence} = {Formats.Tick(x.Format, last)}", "Min", "Max"], rows)));
        }
        return charts;
    }

    /// <summary>A metric's description and title from its spec when known, else from its label (a display name).</summary>
    private static (MetricInfo Info, string Title) Metric(MetricSpec? spec, string label, ReportNames names) =>
        spec is null ? (MetricInfo.FromLabel(label), label) : (MetricInfo.Of(spec.Metric), Describe(spec, names, withYear: true));

    /// <summary>"BYD market share, DE, FR" (and ", 2030" with the year) for a metric spec.</summary>
    public static string Describe(MetricSpec metric, ReportNames names, bool withYear)
    {
        var text = $"{names.Owner(metric.Owner)} {MetricInfo.Of(metric.Metric).Noun}, {names.Markets(metric.Markets)}";
        return withYear ? $"{text}, {metric.Year}" : text;
    }

}
