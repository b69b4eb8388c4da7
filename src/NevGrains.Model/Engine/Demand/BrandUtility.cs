using NevGrains.Model.Data;
using NevGrains.Model.Parameters;

namespace NevGrains.Model.Engine.Demand;

/// <summary>
/// The parts of an alternative's utility other than price (docs/model.md, section 3): range, stores, service sites, swap stations, the
/// origin penalty that fades with familiarity, and the calibrated constant; and the yearly growth of familiarity.
/// </summary>
internal static class BrandUtility
{
    private const int Bev = (int)Powertrain.Bev;

    /// <summary>Everything in the utility but price; fixed within a year.</summary>
    public static void Prepare(RunState run, int y)
    {
        foreach (var market in run.Markets)
        {
            for (var s = 0; s < market.Slots; s++)
            {
                for (var k = 0; k < Powertrains.Count; k++)
                {
                    market.StaticUtility[s, k] = market.In.OfferedInYear[y, s, k] ? WithoutConstant(run, market, s, k, y) + market.Xi[s, k] : 0;
                }
            }
        }
    }

    /// <summary>The non-price utility without the calibrated constant (the calibration solves the constant against it).</summary>
    public static double WithoutConstant(RunState run, MarketState market, int s, int k, int y)
    {
        var p = run.Parameters;
        var inputs = market.In;
        var v = 0.0;
        if (k == Bev)
        {
            v += p[ParameterId.RangeCoefficient] * Math.Log(Math.Max(inputs.RangeKm[y, s, k], ModelConstants.MinimumRangeKm) / ModelConstants.ReferenceRangeKm);
        }
        if (s < run.Brands)
        {
            v += p[ParameterId.StoresCoefficient] * Math.Log(1 + StoreDensity(market, inputs.Stores[y, s]));
            v += p[ParameterId.ServiceCoefficient] * Math.Log(1 + StoreDensity(market, inputs.ServicePoints[y, s]));
            if (k == Bev)
            {
                v += p[ParameterId.SwapCoefficient] * Math.Log(1 + inputs.SwapStations[y, s]);
            }
            if (run.Compiled.Brands[s].IsChinese)
            {
                v += p[ParameterId.OriginPenalty] * (1 - market.Familiarity[s]);
            }
        }
        return v;
    }

    /// <summary>Familiarity grows each year a brand is present, faster with a denser network.</summary>
    public static void AdvanceFamiliarity(RunState run, MarketState market, int y)
    {
        var decay = run.Parameters[ParameterId.OriginPenaltyDecay];
        var boost = run.Parameters[ParameterId.FamiliarityStoresBoost];
        for (var s = 0; s < run.Brands; s++)
        {
            var presence = market.In.Presence[y, s];
            if (presence <= 0)
            {
                continue;
            }
            var rate = Math.Min(ModelConstants.MaxFamiliarityRate, decay + boost * Math.Log(1 + StoreDensity(market, market.In.Stores[y, s])));
            market.Familiarity[s] = 1 - (1 - market.Familiarity[s]) * (1 - rate * presence);
        }
    }

    /// <summary>Familiarity at the end of the base year of a brand present since <paramref name="entered"/>.</summary>
    public static double InitialFamiliarity(RunState run, DateOnly entered)
    {
        var years = Math.Max(0, (new DateOnly(run.Compiled.BaseYear + 1, 1, 1).DayNumber - entered.DayNumber) / 365.25);
        return 1 - Math.Pow(1 - run.Parameters[ParameterId.OriginPenaltyDecay], years);
    }

    public static double StoreDensity(MarketState market, double stores) =>
        stores / Math.Max(market.Size / ModelConstants.SalesPerStoreDensityUnit, 1e-3);
}
