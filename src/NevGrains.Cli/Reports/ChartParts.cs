using System.Globalization;
using System.Text;

namespace NevGrains.Cli.Reports;

/// <summary>Pieces the chart builders share: year axes, lists in messages, file name stems.</summary>
internal static class ChartParts
{
    /// <summary>A year axis with a tick at every year (every other year past a dozen of them).</summary>
    public static ChartAxis YearAxis(IReadOnlyList<int> years)
    {
        var step = years.Count > 12 ? 2 : 1;
        return new ChartAxis("Year", ValueFormat.Year,
            [.. years.Where((_, i) => i % step == 0).Select(y => new AxisTick(y, y.ToString(CultureInfo.InvariantCulture)))]);
    }

    /// <summary>A category axis: a tick per name at the given positions.</summary>
    public static ChartAxis CategoryAxis(string label, IEnumerable<(double Position, string Name)> categories) =>
        new(label, ValueFormat.Category, [.. categories.Select(c => new AxisTick(c.Position, c.Name))]);

    /// <summary>The parts of a subtitle that are known, joined by commas ("scenario 'x', dataset 2025.1.0").</summary>
    public static string Subtitle(string first, string? scenario, string datasetVersion) =>
        string.Join(", ", new[] { first, string.IsNullOrEmpty(scenario) ? "" : $"scenario '{scenario}'",
            string.IsNullOrEmpty(datasetVersion) ? "" : $"dataset {datasetVersion}" }.Where(p => p.Length > 0));

    /// <summary>Distinct values, quoted, for an error message: at most ten of them.</summary>
    public static string List(IEnumerable<string> values)
    {
        var distinct = values.Distinct().ToList();
        var shown = string.Join(", ", distinct.Take(10).Select(v => $"'{v}'"));
        return distinct.Count switch
        {
            0 => "none",
            > 10 => $"{shown} and {distinct.Count - 10} more",
            _ => shown,
        };
    }

    /// <summary>A file name stem: lower-case ASCII letters and digits joined by hyphens, at most 60 characters.</summary>
    public static string Slug(string title)
    {
        var slug = new StringBuilder();
        foreach (var c in title)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                slug.Append(char.ToLowerInvariant(c));
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }
        var text = slug.ToString(0, Math.Min(slug.Length, 60)).Trim('-');
        return text.Length == 0 ? "chart" : text;
    }
}
