namespace NevGrains.Cli.Reports;

/// <summary>What a chart shows; decides the summary table's shape and how the chart is drawn.</summary>
public enum ChartKind
{
    /// <summary>An owner's market share by year, a line per market (base dashed, scenario solid).</summary>
    ShareTrajectories,
    /// <summary>A quantity by year, base and scenario bars side by side.</summary>
    ValueByYear,
    /// <summary>One-at-a-time sensitivity: a horizontal bar per parameter.</summary>
    Tornado,
    /// <summary>Monte Carlo P10-P90 band over years with the P50 line and the base P50 dashed.</summary>
    Fan,
    /// <summary>Monte Carlo outcome in one year: P50 bars with P10-P90 whiskers, base and scenario.</summary>
    Distribution,
    /// <summary>A metric against a sweep's first axis, a line per combination of the other axes.</summary>
    Sweep,
}

/// <summary>How the numbers of an axis or a table column are written.</summary>
public enum ValueFormat
{
    /// <summary>A plain number (a parameter value, a lever field).</summary>
    Number,
    /// <summary>Cars, with thousands separators.</summary>
    Units,
    /// <summary>A fraction written as a percentage (0.125 is "12.5%").</summary>
    Percent,
    /// <summary>US dollars: millions with one decimal ("$68.5m"), whole dollars under a million ("$31,250").</summary>
    Usd,
    /// <summary>US dollars in a column labelled "USD m": millions with one decimal, no unit ("68.5").</summary>
    UsdMillions,
    /// <summary>A calendar year: integer ticks, no separators.</summary>
    Year,
    /// <summary>Named categories placed by <see cref="ChartAxis.Ticks"/>.</summary>
    Category,
}

/// <summary>A tick placed by hand (a year, a parameter name).</summary>
public sealed record AxisTick(double Position, string Label);

/// <summary>An axis: its label (with units), how values are written, and its ticks when they are placed by hand.</summary>
public sealed record ChartAxis(string Label, ValueFormat Format, IReadOnlyList<AxisTick>? Ticks = null);

/// <summary>A small table that sums a chart up in numbers (shown under the chart in the HTML page).</summary>
public sealed record SummaryTable(IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>
/// Something drawn on a chart. <c>Color</c> is an index into the report palette (the same index, the same colour);
/// <see cref="ReportChart.NeutralColor"/> is grey. A null or empty label keeps an element out of the legend.
/// </summary>
public abstract record ChartElement(string? Label);

/// <summary>A line through points (markers on solid lines).</summary>
public sealed record ChartLine(string? Label, IReadOnlyList<double> Xs, IReadOnlyList<double> Ys, int Color, bool Dashed) : ChartElement(Label);

/// <summary>A shaded band between two lines over the same x values.</summary>
public sealed record ChartBand(string? Label, IReadOnlyList<double> Xs, IReadOnlyList<double> Lows, IReadOnlyList<double> Highs, int Color)
    : ChartElement(Label);

/// <summary>Vertical bars of one series (one legend entry), with optional whiskers from <c>Lows</c> to <c>Highs</c>.</summary>
public sealed record ChartBars(
    string? Label,
    IReadOnlyList<double> Positions,
    IReadOnlyList<double> Values,
    double Width,
    int Color,
    IReadOnlyList<double>? Lows = null,
    IReadOnlyList<double>? Highs = null) : ChartElement(Label);

/// <summary>
/// A tornado bar of a parameter (its id, and its display name for the axis) at height <c>Position</c>: from <c>Center</c> to <c>MetricAtLow</c> (the parameter at its low value)
/// and from <c>Center</c> to <c>MetricAtHigh</c>, each end labelled with the parameter value that produced it.
/// </summary>
public sealed record ChartTornadoBar(
    string Parameter,
    string Name,
    double Position,
    double Center,
    double MetricAtLow,
    double MetricAtHigh,
    string LowLabel,
    string HighLabel) : ChartElement((string?)null)
{
    /// <summary>The bar's width: how far the metric moves between the parameter's low and high values.</summary>
    public double Width => Math.Abs(MetricAtHigh - MetricAtLow);
}

/// <summary>A vertical reference line at <c>X</c> (the tornado's center).</summary>
public sealed record ChartReferenceLine(string? Label, double X) : ChartElement(Label);

/// <summary>A legend-only entry that explains a line style (for instance "dashed: base").</summary>
public sealed record ChartLegendKey(string Label, bool Dashed) : ChartElement(Label);

/// <summary>
/// One chart of a report, described independently of the plotting library: what <see cref="ScenarioReport.WritePngs"/>
/// and <see cref="ScenarioReport.WriteHtml"/> draw is exactly this.
/// </summary>
public sealed record ReportChart(
    ChartKind Kind,
    string Title,
    string FileStem,
    string Subtitle,
    ChartAxis X,
    ChartAxis Y,
    IReadOnlyList<ChartElement> Elements,
    SummaryTable Summary)
{
    /// <summary>The colour index of base series and reference lines (grey).</summary>
    public const int NeutralColor = -1;
}
