using System.Collections.Immutable;
using NevGrains.Model.Data;

namespace NevGrains.Model.Engine;

/// <summary>A market in compiled form: base-year facts in USD and the alternatives buyers choose among.</summary>
public sealed record MarketInfo(
    int Index,
    string Id,
    string Name,
    string Country,
    int Region,
    string RegionId,
    string? CustomsUnion,
    double UsdPerLocal,
    double BaseSales,
    double[] BaseShare,
    double Growth,
    double Chargers,
    double ChargerGrowth,
    double Vat,
    double PriceIndex,
    bool HighMargin,
    bool Aggregate,
    ImmutableArray<PurchaseTax> PurchaseTaxes,
    ImmutableArray<Incentive> Incentives,
    ImmutableArray<OffsetRule> OffsetRules,
    ImmutableArray<AltInfo> Alternatives)
{
    /// <summary>Base-year sales of one powertrain.</summary>
    public double BaseVolume(Powertrain powertrain) => BaseSales * BaseShare[(int)powertrain];

    internal static MarketInfo From(MarketData market, int index, CompiledBaseline compiled, IReadOnlyDictionary<string, double> fx)
    {
        var usdPerLocal = fx[market.Currency];
        var shares = new double[Powertrains.Count];
        shares[(int)Powertrain.Bev] = market.BevShare.Value;
        shares[(int)Powertrain.Phev] = market.PhevShare.Value;
        shares[(int)Powertrain.Other] = Math.Max(0, 1 - market.BevShare.Value - market.PhevShare.Value);
        var highMargin = market.Region is "europe" or "oceania";
        var taxes = market.PurchaseTaxes.OrEmpty();
        var alternatives = AltInfo.ForMarket(market, compiled, usdPerLocal, shares, taxes);
        return new MarketInfo(index, market.Id, market.Name, market.Country, compiled.RegionIndex[market.Region], market.Region, market.CustomsUnion,
            usdPerLocal, market.NewCarSales.Value, shares, market.MarketGrowth.Value, market.PublicChargers.Value, market.ChargerGrowth.Value,
            market.VatRate.Value, market.PriceIndex.Value, highMargin, market.Aggregate, taxes, market.Incentives.OrEmpty(),
            market.OffsetRules.OrEmpty(), alternatives);
    }

    /// <summary>The purchase-tax rate of a powertrain averaged over a year (quarter midpoints).</summary>
    public static double PurchaseTaxRate(ImmutableArray<PurchaseTax> taxes, Powertrain powertrain, int year)
    {
        var total = 0.0;
        foreach (var date in YearDates.QuarterMidpoints(year))
        {
            foreach (var tax in taxes)
            {
                if (tax.Powertrains.Contains(powertrain) && tax.ValidFrom <= date && (tax.ValidTo is null || date < tax.ValidTo))
                {
                    total += tax.Rate.Value;
                }
            }
        }
        return total / 4;
    }
}

/// <summary>Who an alternative is: a Chinese brand (with plants and routes) or a competitor aggregate.</summary>
public enum AltKind
{
    Brand,
    Competitor,
}

/// <summary>
/// One alternative in one market. Brands occupy the first slots (slot = brand index) whether present or not, competitors follow.
/// Arrays are per powertrain; paths are per year (index 0 = base year, value at the end of that year).
/// </summary>
public sealed record AltInfo(
    int Slot,
    AltKind Kind,
    int Owner,
    string OwnerId,
    bool[] Offered,
    double[] BaseUnits,
    double[] BasePriceUsd,
    double[] RangeKm,
    double[] BatteryKwh,
    DateOnly? Entered,
    double[] Stores,
    double[] ServicePoints,
    double[] SwapStations)
{
    public bool IsBrand => Kind == AltKind.Brand;

    /// <summary>Whether the alternative is in the market in the baseline at all (brands may be absent; a lever can bring them in).</summary>
    public bool PresentInBaseline => Entered is not null;

    internal static ImmutableArray<AltInfo> ForMarket(MarketData market, CompiledBaseline compiled, double usdPerLocal, double[] shares, ImmutableArray<PurchaseTax> taxes)
    {
        var years = compiled.YearCount;
        var baseYear = compiled.BaseYear;
        var builder = ImmutableArray.CreateBuilder<AltInfo>();
        var givenUnits = new double[Powertrains.Count];
        var volume = shares.Select(s => s * market.NewCarSales.Value).ToArray();

        foreach (var brand in compiled.Brands)
        {
            var data = compiled.Ordered.Brands[brand.Index];
            var presence = data.Markets.OrEmpty().FirstOrDefault(p => p.Market == market.Id);
            var offered = new bool[Powertrains.Count];
            var units = new double[Powertrains.Count];
            var price = new double[Powertrains.Count];
            var range = new double[Powertrains.Count];
            var kwh = new double[Powertrains.Count];
            foreach (var powertrain in Powertrains.All)
            {
                var k = (int)powertrain;
                if (brand.Offer(powertrain) is not { } offer)
                {
                    continue;
                }
                // A brand sells in a market the powertrains its sales list names (zero units for a planned entry);
                // launching another powertrain there is a scenario lever.
                offered[k] = presence is not null
                             && (presence.Sales.IsDefaultOrEmpty || presence.Sales.Any(s => s.Powertrain == powertrain));
                range[k] = offer.RangeKm;
                kwh[k] = offer.BatteryKwh;
                var tax = MarketInfo.PurchaseTaxRate(taxes, powertrain, baseYear);
                var known = presence?.Prices.OrEmpty().FirstOrDefault(p => p.Powertrain == powertrain);
                price[k] = known is not null
                    ? known.Price.Value * usdPerLocal / ((1 + market.VatRate.Value) * (1 + tax))
                    : offer.HomePriceUsd * market.PriceIndex.Value;
                units[k] = presence?.Sales.OrEmpty().FirstOrDefault(s => s.Powertrain == powertrain)?.Units.Value ?? 0;
                givenUnits[k] += units[k];
            }
            builder.Add(new AltInfo(brand.Index, AltKind.Brand, brand.Index, brand.Id, offered, units, price, range, kwh,
                presence?.Entered,
                Path(presence?.Stores?.Value ?? 0, presence?.StoresPlan.OrEmpty() ?? [], baseYear, years),
                Path(presence?.ServicePoints?.Value ?? presence?.Stores?.Value ?? 0, [], baseYear, years),
                Path(presence?.SwapStations?.Value ?? 0, presence?.SwapStationsPlan.OrEmpty() ?? [], baseYear, years)));
        }

        foreach (var presence in market.Competitors.OrEmpty())
        {
            foreach (var offer in presence.Offers.OrEmpty().Where(o => o.Units is not null))
            {
                givenUnits[(int)offer.Powertrain] += offer.Units!.Value;
            }
        }
        foreach (var presence in market.Competitors.OrEmpty())
        {
            var offered = new bool[Powertrains.Count];
            var units = new double[Powertrains.Count];
            var price = new double[Powertrains.Count];
            var range = new double[Powertrains.Count];
            var kwh = new double[Powertrains.Count];
            foreach (var offer in presence.Offers.OrEmpty())
            {
                var k = (int)offer.Powertrain;
                offered[k] = true;
                var tax = MarketInfo.PurchaseTaxRate(taxes, offer.Powertrain, baseYear);
                price[k] = offer.Price.Value * usdPerLocal / ((1 + market.VatRate.Value) * (1 + tax));
                units[k] = offer.Units?.Value ?? Math.Max(0, volume[k] - givenUnits[k]) * (offer.ResidualShare?.Value ?? 0);
                range[k] = offer.RangeKm?.Value ?? (offer.Powertrain == Powertrain.Bev ? 400 : 800);
                kwh[k] = offer.Powertrain switch
                {
                    // Competitors give no battery size: about 6.5 km per kWh for a BEV, a 20 kWh pack for a PHEV.
                    Powertrain.Bev => range[k] / 6.5,
                    Powertrain.Phev => 20,
                    _ => 0,
                };
            }
            var zero = new double[years];
            builder.Add(new AltInfo(builder.Count, AltKind.Competitor, compiled.CompetitorIndex[presence.Competitor], presence.Competitor,
                offered, units, price, range, kwh, new DateOnly(1900, 1, 1), zero, zero, zero));
        }
        return builder.ToImmutable();
    }

    /// <summary>A yearly path: the base value at the base year, announced levels at the end of their years, linear in between, flat after.</summary>
    internal static double[] Path(double baseValue, ImmutableArray<YearValue> plan, int baseYear, int years)
    {
        var points = new List<(int Year, double Value)> { (baseYear, baseValue) };
        points.AddRange(plan.Where(p => p.Year > baseYear).Select(p => (p.Year, p.Value.Value)));
        return Interpolate(points, baseYear, years);
    }

    internal static double[] Interpolate(List<(int Year, double Value)> points, int baseYear, int years)
    {
        points.Sort((a, b) => a.Year.CompareTo(b.Year));
        var path = new double[years];
        for (var i = 0; i < years; i++)
        {
            var year = baseYear + i;
            var value = points[^1].Value;
            for (var p = 0; p < points.Count; p++)
            {
                if (year <= points[p].Year)
                {
                    if (p == 0)
                    {
                        value = points[0].Value;
                    }
                    else
                    {
                        var (y0, v0) = points[p - 1];
                        var (y1, v1) = points[p];
                        value = v0 + (v1 - v0) * (year - y0) / (double)(y1 - y0);
                    }
                    break;
                }
            }
            path[i] = value;
        }
        return path;
    }
}

/// <summary>Dates the model samples a year at: quarter midpoints, so rules that change mid-year count for the part of the year they apply.</summary>
public static class YearDates
{
    public static DateOnly[] QuarterMidpoints(int year) =>
        [new(year, 2, 15), new(year, 5, 15), new(year, 8, 15), new(year, 11, 15)];

    /// <summary>The share of a year in which something that starts on <paramref name="from"/> (and ends on <paramref name="to"/>) is in force.</summary>
    public static double ShareOfYear(int year, DateOnly from, DateOnly? to)
    {
        var start = new DateOnly(year, 1, 1);
        var end = new DateOnly(year + 1, 1, 1);
        var a = from > start ? from : start;
        var b = to is { } t && t < end ? t : end;
        return b <= a ? 0 : (b.DayNumber - a.DayNumber) / (double)(end.DayNumber - start.DayNumber);
    }
}
