using System.Globalization;

namespace NevGrains.Gateway.Benchmarks;

/// <summary>
/// Measurements by round: latencies (ms) or rates. A figure is the median over rounds of each round's statistic, its spread the
/// range over rounds, and a ratio is taken within each round (both sides measured in it) before the median.
/// </summary>
internal sealed class Figures
{
    private readonly Dictionary<string, List<List<double>>> _latencies = [];
    private readonly Dictionary<string, List<double>> _values = [];

    public void Add(string key, List<double> latencies) => Rounds(_latencies, key).Add(latencies);

    public void AddValue(string key, double value) => Rounds(_values, key).Add(value);

    public double Last(string key) => _values[key][^1];

    public string Ms(string key, double p) => $"{Median(PerRound(key, p)):0.00} ms";

    public string MsSpread(string key, double p) => Spread(PerRound(key, p), " ms");

    public string Ratio(string key, string baseline, double p) =>
        RatioText(PerRound(key, p).Zip(PerRound(baseline, p), (a, b) => a / b).ToList());

    public string PerSecond(string key) => Median(_values[key]).ToString("0.0", CultureInfo.InvariantCulture);

    public string PerSecondSpread(string key) => Spread(_values[key], "/s");

    public string ValueRatio(string key, string baseline) => RatioText(_values[key].Zip(_values[baseline], (a, b) => a / b).ToList());

    private List<double> PerRound(string key, double p) => _latencies[key].Select(round => Percentile(round, p)).ToList();

    private static string RatioText(List<double> ratios) =>
        ratios.Count == 1 ? $"{ratios[0]:0.00}" : $"{Median(ratios):0.00} ({ratios.Min():0.00}-{ratios.Max():0.00})";

    private static string Spread(List<double> values, string unit) =>
        values.Count == 1 ? "one round" : $"{values.Min():0.00}-{values.Max():0.00}{unit}";

    private static List<T> Rounds<T>(Dictionary<string, List<T>> store, string key)
    {
        if (!store.TryGetValue(key, out var rounds))
        {
            store[key] = rounds = [];
        }
        return rounds;
    }

    public static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    public static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}

/// <summary>A GitHub-flavoured Markdown table.</summary>
internal sealed class MarkdownTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public void Row(params string[] cells) => _rows.Add(cells);

    public override string ToString()
    {
        static string Line(IEnumerable<string> cells) => "| " + string.Join(" | ", cells) + " |";
        return string.Join('\n', [Line(headers), Line(headers.Select(_ => "---")), .. _rows.Select(Line)]);
    }
}
