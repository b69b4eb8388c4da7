using System.Globalization;
using NevGrains.Api.V1;

namespace NevGrains.Cli.Files;

/// <summary>
/// The command-line form of a metric: <c>kind:owner:markets:year</c>, e.g. <c>units:byd:eu:2030</c> or
/// <c>share:mg:de+fr:2028</c>; owner and markets may be empty (all Chinese brands, all markets).
/// </summary>
public static class MetricOption
{
    public static readonly IReadOnlyDictionary<string, MetricKind> Kinds = new Dictionary<string, MetricKind>(StringComparer.Ordinal)
    {
        ["units"] = MetricKind.Units,
        ["nev-units"] = MetricKind.NevUnits,
        ["bev-units"] = MetricKind.BevUnits,
        ["share"] = MetricKind.Share,
        ["nev-share"] = MetricKind.NevShare,
        ["revenue"] = MetricKind.Revenue,
        ["gross-margin"] = MetricKind.GrossMargin,
        ["tariff-paid"] = MetricKind.TariffPaid,
        ["china-built-units"] = MetricKind.ChinaBuiltUnits,
        ["china-built-bev-units"] = MetricKind.ChinaBuiltBevUnits,
        ["locally-built-share"] = MetricKind.LocallyBuiltShare,
        ["average-price"] = MetricKind.AveragePrice,
    };

    public static MetricSpec Parse(string text, string option = "--metric")
    {
        var parts = text.Split(':');
        if (parts.Length != 4)
        {
            throw new InputFileException(option, text, "expected kind:owner:markets:year, e.g. units:byd:eu:2030");
        }
        if (!Kinds.TryGetValue(parts[0], out var kind))
        {
            throw new InputFileException(option, text, $"unknown metric kind '{parts[0]}'; one of {string.Join(", ", Kinds.Keys)}");
        }
        if (!int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var year))
        {
            throw new InputFileException(option, text, $"'{parts[3]}' is not a year");
        }
        var metric = new MetricSpec { Name = text, Metric = kind, Owner = parts[1], Year = year };
        metric.Markets.AddRange(parts[2].Split('+', StringSplitOptions.RemoveEmptyEntries));
        return metric;
    }

    public static string Name(MetricKind kind) => Kinds.First(k => k.Value == kind).Key;
}
