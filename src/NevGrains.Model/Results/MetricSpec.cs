using System.Collections.Immutable;
using System.Text.Json.Serialization;
using NevGrains.Model.Engine;

namespace NevGrains.Model.Results;

[JsonConverter(typeof(JsonStringEnumConverter<MetricKind>))]
public enum MetricKind
{
    [JsonStringEnumMemberName("units")] Units,
    [JsonStringEnumMemberName("nevUnits")] NevUnits,
    [JsonStringEnumMemberName("bevUnits")] BevUnits,
    /// <summary>Units of the selection over all units sold in the selected markets.</summary>
    [JsonStringEnumMemberName("share")] Share,
    /// <summary>NEV units of the selection over NEV units sold in the selected markets.</summary>
    [JsonStringEnumMemberName("nevShare")] NevShare,
    [JsonStringEnumMemberName("revenue")] Revenue,
    [JsonStringEnumMemberName("grossMargin")] GrossMargin,
    [JsonStringEnumMemberName("tariffPaid")] TariffPaid,
    [JsonStringEnumMemberName("chinaBuiltUnits")] ChinaBuiltUnits,
    /// <summary>BEVs built in China: imports from China, the quantity trade studies (Kiel) measure.</summary>
    [JsonStringEnumMemberName("chinaBuiltBevUnits")] ChinaBuiltBevUnits,
    [JsonStringEnumMemberName("locallyBuiltShare")] LocallyBuiltShare,
    [JsonStringEnumMemberName("averagePrice")] AveragePrice,
}

/// <summary>
/// One number read off a scenario result: a metric for a brand (or all Chinese brands when <see cref="Owner"/> is empty),
/// summed over markets (ids, region ids such as "europe", or customs unions such as "eu"; all when empty) in one year.
/// </summary>
[GenerateSerializer, Immutable, Alias("nev.MetricSpec")]
public sealed record MetricSpec(
    [property: Id(0)] MetricKind Metric,
    [property: Id(1)] int Year,
    [property: Id(2)] string? Owner = null,
    [property: Id(3)] ImmutableArray<string> Markets = default,
    [property: Id(4)] string? Name = null)
{
    public string Label => Name ?? $"{Metric} {(string.IsNullOrEmpty(Owner) ? "chinese" : Owner)} {(Markets.IsDefaultOrEmpty ? "all" : string.Join('+', Markets))} {Year}";

    /// <summary>Checks ids and the year against a compiled baseline; returns the problems by field.</summary>
    public IEnumerable<string> Problems(CompiledBaseline compiled, int horizon)
    {
        if (Year < compiled.BaseYear || Year > horizon)
        {
            yield return $"year: {Year} is outside {compiled.BaseYear}..{horizon}";
        }
        if (!string.IsNullOrEmpty(Owner) && !compiled.BrandIndex.ContainsKey(Owner) && !compiled.CompetitorIndex.ContainsKey(Owner))
        {
            yield return $"owner: unknown brand or competitor '{Owner}'";
        }
        foreach (var market in Markets.IsDefault ? [] : Markets)
        {
            if (!compiled.MarketIndex.ContainsKey(market) && !compiled.RegionIndex.ContainsKey(market) && !compiled.CustomsUnions.ContainsKey(market))
            {
                yield return $"markets: unknown market, region or customs union '{market}'";
            }
        }
    }

    /// <summary>The metric's value in a result.</summary>
    public double Evaluate(ScenarioResult result, CompiledBaseline compiled)
    {
        var selected = MarketSelector.Resolve(compiled, Markets);
        double units = 0, nev = 0, bev = 0, revenue = 0, margin = 0, tariff = 0, china = 0, chinaBev = 0, local = 0, paid = 0;
        foreach (var cell in result.Cells)
        {
            if (cell.Year != Year || !selected.Contains(cell.Market))
            {
                continue;
            }
            var match = string.IsNullOrEmpty(Owner) ? !cell.IsCompetitor && compiled.Brands[compiled.BrandIndex[cell.Owner]].IsChinese : cell.Owner == Owner;
            if (!match)
            {
                continue;
            }
            units += cell.Units;
            nev += cell.NevUnits;
            bev += cell.BevUnits;
            revenue += cell.RevenueUsd;
            margin += cell.GrossMarginUsd;
            tariff += cell.TariffPaidUsd;
            china += cell.ChinaBuiltUnits;
            chinaBev += cell.ChinaBuiltBevUnits;
            local += cell.Units * cell.LocallyBuiltShare;
            paid += cell.Units * cell.AveragePriceUsd;
        }
        switch (Metric)
        {
            case MetricKind.Share:
            case MetricKind.NevShare:
                double all = 0, allNev = 0;
                foreach (var market in result.Markets)
                {
                    if (market.Year == Year && selected.Contains(market.Market))
                    {
                        all += market.TotalUnits;
                        allNev += market.BevUnits + market.PhevUnits;
                    }
                }
                return Metric == MetricKind.Share ? (all > 0 ? units / all : 0) : (allNev > 0 ? nev / allNev : 0);
            default:
                return Metric switch
                {
                    MetricKind.Units => units,
                    MetricKind.NevUnits => nev,
                    MetricKind.BevUnits => bev,
                    MetricKind.Revenue => revenue,
                    MetricKind.GrossMargin => margin,
                    MetricKind.TariffPaid => tariff,
                    MetricKind.ChinaBuiltUnits => china,
                    MetricKind.ChinaBuiltBevUnits => chinaBev,
                    MetricKind.LocallyBuiltShare => units > 0 ? local / units : 0,
                    MetricKind.AveragePrice => units > 0 ? paid / units : 0,
                    _ => 0,
                };
        }
    }
}

/// <summary>Turns market selectors (market ids, regions, customs unions) into market ids.</summary>
public static class MarketSelector
{
    public static IReadOnlySet<string> Resolve(CompiledBaseline compiled, ImmutableArray<string> selectors)
    {
        if (selectors.IsDefaultOrEmpty)
        {
            return compiled.MarketIndex.Keys.ToHashSet(StringComparer.Ordinal);
        }
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var selector in selectors)
        {
            foreach (var market in compiled.Markets)
            {
                if (market.Id == selector || market.RegionId == selector || market.CustomsUnion == selector)
                {
                    set.Add(market.Id);
                }
            }
        }
        return set;
    }
}
