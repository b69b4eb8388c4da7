using NevGrains.Api.V1;

namespace NevGrains.Cli.Reports;

/// <summary>
/// Charts of API responses for a strategy analyst: collect them with the <c>Add*</c> methods, then write them as PNG files
/// or as one self-contained HTML page. Every <c>Add*</c> method checks its input and throws an <see cref="ArgumentException"/>
/// that says what is missing instead of drawing an empty chart; nothing is added when it throws.
/// </summary>
public sealed class ScenarioReport(string title, ReportNames names)
{
    private readonly List<ReportChart> _charts = [];

    public ScenarioReport(string title) : this(title, ReportNames.None)
    {
    }

    /// <summary>
    /// The font family the charts are drawn with: the first of DejaVu Sans, Liberation Sans, Noto Sans, Arial, Helvetica that
    /// is installed; null when none is, and ScottPlot falls back to whatever SkiaSharp finds.
    /// </summary>
    public static string? FontFamily => ChartRenderer.FontFamily;

    /// <summary>The report's title (the HTML page's heading).</summary>
    public string Title { get; } = string.IsNullOrWhiteSpace(title) ? throw new ArgumentException("A report needs a title.", nameof(title)) : title;

    /// <summary>Width of each image in pixels (at least 200).</summary>
    public int Width { get; init => field = value >= 200 ? value : throw new ArgumentOutOfRangeException(nameof(Width), value, "at least 200 pixels"); } = 1000;

    /// <summary>Height of each image in pixels (at least 150).</summary>
    public int Height { get; init => field = value >= 150 ? value : throw new ArgumentOutOfRangeException(nameof(Height), value, "at least 150 pixels"); } = 600;

    /// <summary>The charts in the order they were added.</summary>
    public IReadOnlyList<ReportChart> Charts => _charts;

    /// <summary>Market share of <paramref name="owner"/> by year, one line per market (all its markets when the list is empty), base dashed and scenario solid.</summary>
    public void AddShareTrajectories(CompareScenarioResponse comparison, string owner, IReadOnlyList<string> markets) =>
        Add(ComparisonCharts.ShareTrajectories(comparison, owner, markets, null, names));

    /// <inheritdoc cref="AddShareTrajectories(CompareScenarioResponse, string, IReadOnlyList{string})"/>
    /// <param name="marketsLabel">What the markets are called in the title, e.g. "EU markets".</param>
    public void AddShareTrajectories(CompareScenarioResponse comparison, string owner, IReadOnlyList<string> markets, string marketsLabel) =>
        Add(ComparisonCharts.ShareTrajectories(comparison, owner, markets, marketsLabel, names));

    /// <summary>Units of <paramref name="owner"/> by year summed over the markets, base and scenario bars side by side.</summary>
    public void AddUnitsByYear(CompareScenarioResponse comparison, string owner, IReadOnlyList<string> markets) =>
        Add(ComparisonCharts.ValueByYear(comparison, owner, markets, CellMetric.Units, null, names));

    /// <summary>A per-cell quantity (units, gross margin, duties) of <paramref name="owner"/> by year summed over the markets, base vs scenario.</summary>
    public void AddValueByYear(
        CompareScenarioResponse comparison, string owner, IReadOnlyList<string> markets, CellMetric metric, string? marketsLabel = null) =>
        Add(ComparisonCharts.ValueByYear(comparison, owner, markets, metric, marketsLabel, names));

    /// <summary>
    /// A tornado: a horizontal bar per parameter from the metric at its low value to the metric at its high value around the
    /// center, widest on top, ends labelled with the parameter values. The metric's unit is read off its label.
    /// </summary>
    public void AddTornado(RunSensitivityResponse sensitivity) => Add(ExperimentCharts.Tornado(sensitivity, null, names));

    /// <summary>A tornado whose metric (kind, owner, markets, year) comes from the request.</summary>
    public void AddTornado(RunSensitivityResponse sensitivity, MetricSpec metric) =>
        Add(ExperimentCharts.Tornado(sensitivity, metric ?? throw new ArgumentNullException(nameof(metric)), names));

    /// <summary>
    /// Monte Carlo P10-P90: the spec's metrics that differ only by year form one fan (scenario band, scenario P50, base P50 dashed);
    /// a metric alone in its year becomes P50 bars with P10-P90 whiskers for base and scenario. A chart per group.
    /// </summary>
    public void AddFans(MonteCarloSpec spec, RunMonteCarloResponse result) => AddAll(ExperimentCharts.Fans(spec, result, names));

    /// <summary>A sweep: a chart per metric against the first axis, a line per value of the other axes.</summary>
    public void AddSweep(RunSweepResponse sweep) => AddAll(ExperimentCharts.Sweep(sweep, null, names));

    /// <summary>A sweep whose metrics (kind, owner, markets, year) come from the spec, for units and titles.</summary>
    public void AddSweep(RunSweepResponse sweep, SweepSpec spec) =>
        AddAll(ExperimentCharts.Sweep(sweep, spec ?? throw new ArgumentNullException(nameof(spec)), names));

    /// <summary>Renders one chart as PNG bytes at the report's size (a tornado with many bars grows taller).</summary>
    public byte[] RenderPng(ReportChart chart) => Render(chart).Png;

    private RenderedChart Render(ReportChart chart) => ChartRenderer.Render(chart, Width, Height);

    /// <summary>Writes a PNG per chart into the folder (created if missing) as <c>{FileStem}.png</c>; returns the paths in chart order.</summary>
    public IReadOnlyList<string> WritePngs(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        RequireCharts();
        Directory.CreateDirectory(folder);
        var paths = new List<string>();
        foreach (var chart in _charts)
        {
            var path = Path.Combine(folder, chart.FileStem + ".png");
            File.WriteAllBytes(path, RenderPng(chart));
            paths.Add(path);
        }
        return paths;
    }

    /// <summary>Writes one self-contained HTML page (charts as data: URIs, a summary table per chart); returns the path.</summary>
    public string WriteHtml(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        RequireCharts();
        var images = _charts.Select(Render).ToList();
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }
        File.WriteAllText(path, HtmlPage.Render(Title, _charts, images));
        return path;
    }

    private void Add(ReportChart chart) =>
        _charts.Add(chart with { FileStem = $"{_charts.Count + 1:00}-{ChartParts.Slug(chart.Title)}" });

    private void AddAll(IReadOnlyList<ReportChart> charts)
    {
        foreach (var chart in charts)
        {
            Add(chart);
        }
    }

    private void RequireCharts()
    {
        if (_charts.Count == 0)
        {
            throw new InvalidOperationException("The report has no charts: add some before writing it.");
        }
    }
}
