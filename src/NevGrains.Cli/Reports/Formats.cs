using System.Globalization;
using NevGrains.Api.V1;

namespace NevGrains.Cli.Reports;

/// <summary>What a metric is called in titles, its axis label with units, and how its values are written.</summary>
public sealed record MetricInfo(string Noun, string AxisLabel, ValueFormat Format)
{
    /// <summary>The description of a metric kind of the API.</summary>
    public static MetricInfo Of(MetricKind kind) => kind switch
    {
        MetricKind.Units => new("units sold", "Units sold (cars)", ValueFormat.Units),
        MetricKind.NevUnits => new("NEV units sold", "NEV units sold (cars)", ValueFormat.Units),
        MetricKind.BevUnits => new("BEV units sold", "BEV units sold (cars)", ValueFormat.Units),
        MetricKind.Share => new("market share", "Market share (% of all cars sold)", ValueFormat.Percent),
        MetricKind.NevShare => new("share of NEV sales", "Share of NEV sales (%)", ValueFormat.Percent),
        MetricKind.Revenue => new("revenue", "Revenue (USD, net of VAT and purchase taxes)", ValueFormat.Usd),
        MetricKind.GrossMargin => new("gross margin", "Gross margin (USD)", ValueFormat.Usd),
        MetricKind.TariffPaid => new("import duties paid", "Import duties paid (USD)", ValueFormat.Usd),
        MetricKind.ChinaBuiltUnits => new("China-built units", "Units built in China (cars)", ValueFormat.Units),
        MetricKind.ChinaBuiltBevUnits => new("China-built BEVs", "BEVs built in China (cars)", ValueFormat.Units),
        MetricKind.LocallyBuiltShare => new("locally built share", "Locally built share (% of units)", ValueFormat.Percent),
        MetricKind.AveragePrice => new("average price", "Average price paid (USD)", ValueFormat.Usd),
        _ => new("value", "Value", ValueFormat.Number),
    };

    /// <summary>
    /// Guesses the kind from a metric label the server made up ("Share byd de+fr 2030": the kind comes first);
    /// a display name it cannot read gives a plain number labelled with the label itself.
    /// </summary>
    public static MetricInfo FromLabel(string label) =>
        TryParseKind(label.Split(' ', 2)[0], out var kind) ? Of(kind) : new(label, label, ValueFormat.Number);

    /// <summary>
    /// Reads back a label the server made up for a metric without a display name: "{Kind} {owner, or chinese} {markets joined
    /// by '+', or all} {year}", e.g. "Share byd de+fr 2030". Null for anything else (a display name).
    /// </summary>
    public static MetricSpec? ParseLabel(string label)
    {
        var parts = label.Split(' ');
        if (parts.Length != 4 || !TryParseKind(parts[0], out var kind) ||
            !int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var year) || year is < 1900 or > 2200)
        {
            return null;
        }
        var spec = new MetricSpec { Metric = kind, Owner = parts[1] == "chinese" ? "" : parts[1], Year = year };
        if (parts[2] != "all")
        {
            spec.Markets.AddRange(parts[2].Split('+'));
        }
        return spec;
    }

    private static bool TryParseKind(string text, out MetricKind kind) =>
        Enum.TryParse(text, ignoreCase: false, out kind) && text.Length > 0 && char.IsLetter(text[0]) && Enum.IsDefined(kind) &&
        kind != MetricKind.Unspecified;
}

/// <summary>Writes numbers for ticks and tables: thousands separators, percentages, compact dollars.</summary>
internal static class Formats
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>A tick label: as short as the value allows.</summary>
    public static string Tick(ValueFormat format, double value) => format switch
    {
        ValueFormat.Units => value.ToString("N0", Invariant),
        ValueFormat.Percent => (value * 100).ToString("0.##", Invariant) + "%",
        ValueFormat.Usd => Usd(value),
        ValueFormat.Year => value.ToString("0", Invariant),
        _ => value.ToString("#,0.####", Invariant),
    };

    /// <summary>
    /// Labels for a row of evenly spaced ticks, all with the same number of decimals (2.0%, 2.5%, 3.0%) and, for dollars,
    /// the same scale ($0.5bn, $1.0bn).
    /// </summary>
    public static string[] Ticks(ValueFormat format, IReadOnlyList<double> positions)
    {
        if (positions.Count < 2 || format is not (ValueFormat.Percent or ValueFormat.Usd or ValueFormat.Number))
        {
            return [.. positions.Select(p => Tick(format, p))];
        }
        var step = positions.Zip(positions.Skip(1), (a, b) => Math.Abs(b - a)).Where(d => d > 0).DefaultIfEmpty(1).Min();
        switch (format)
        {
            case ValueFormat.Percent:
                var percentDigits = "F" + Decimals(step * 100);
                return [.. positions.Select(p => (p * 100).ToString(percentDigits, Invariant) + "%")];
            case ValueFormat.Usd:
                var largest = positions.Max(Math.Abs);
                var (scale, suffix) = largest switch { >= 1e9 => (1e9, "bn"), >= 1e6 => (1e6, "m"), >= 1e3 => (1e3, "k"), _ => (1.0, "") };
                var usdDigits = "F" + Decimals(step / scale);
                return [.. positions.Select(p => p == 0 ? "$0" : (p < 0 ? "-$" : "$") + Math.Abs(p / scale).ToString(usdDigits, Invariant) + suffix)];
            default:
                var digits = "N" + Decimals(step);
                return [.. positions.Select(p => p.ToString(digits, Invariant))];
        }
    }

    /// <summary>How many decimals write a tick step exactly (at most 6).</summary>
    private static int Decimals(double step)
    {
        for (var d = 0; d < 6; d++)
        {
            var scaled = step * Math.Pow(10, d);
            if (Math.Abs(scaled - Math.Round(scaled)) < 1e-6 * Math.Max(1, scaled))
            {
                return d;
            }
        }
        return 6;
    }

    private static string Usd(double value)
    {
        const string digits = "0.##";
        var sign = value < 0 ? "-" : "";
        var size = Math.Abs(value);
        return size switch
        {
            >= 1e9 => $"{sign}${(size / 1e9).ToString(digits, Invariant)}bn",
            >= 1e6 => $"{sign}${(size / 1e6).ToString(digits, Invariant)}m",
            >= 1e3 => $"{sign}${(size / 1e3).ToString(digits, Invariant)}k",
            _ => $"{sign}${size.ToString("0", Invariant)}",
        };
    }
}
