using NevGrains.Model.Data;
using NevGrains.Model.Parameters;

namespace NevGrains.Model.Engine.Demand;

/// <summary>
/// Market size and the powertrain split's diffusion (docs/model.md, sections 1 and 2): each plug-in nest's adoption path follows a Bass
/// process with a moving ceiling that rises with charging; its speed responds to charging and to the price gap with petrol cars; the path
/// sets the nest's constant.
/// </summary>
internal static class Diffusion
{
    private const int Bev = (int)Powertrain.Bev;
    private const int Phev = (int)Powertrain.Phev;
    private const int Other = (int)Powertrain.Other;

    /// <summary>Starts the adoption paths at the observed base-year shares, under ceilings that never sit below them.</summary>
    public static void Initialise(RunState run, MarketState market)
    {
        var density = ChargerDensity(market, 0);
        market.DensityBase = density;
        for (var k = Bev; k <= Phev; k++)
        {
            market.AdoptionBase[k] = Math.Clamp(market.Info.BaseShare[k], ModelConstants.AdoptionBound, ModelConstants.MaxAdoption);
            var ceiling = Ceiling(run, k, density, 1);
            market.CeilingScale[k] = Math.Max(1, market.AdoptionBase[k] / (0.99 * ceiling));
            market.Adoption[k] = market.AdoptionBase[k];
        }
        for (var k = 0; k < Powertrains.Count; k++)
        {
            market.Asc[k] = market.BaseAsc[k];
        }
        market.GapBase[Bev] = market.GapPrevious[Bev] = PriceGap(market, Bev);
        market.GapBase[Phev] = market.GapPrevious[Phev] = PriceGap(market, Phev);
    }

    /// <summary>Grows the market and advances the adoption paths and nest constants into year <paramref name="y"/>.</summary>
    public static void Advance(RunState run, MarketState market, int y)
    {
        var p = run.Parameters;
        var inputs = market.In;
        var growth = inputs.Growth[y] + (run.GrowthOffset?[market.Info.Index] ?? 0);
        market.Size = Math.Max(1, market.Size * (1 + growth) * (1 + inputs.Shock[y]));

        var density = ChargerDensity(market, y);
        var ratio = (density + 1) / (market.DensityBase + 1);
        for (var k = Bev; k <= Phev; k++)
        {
            if (!market.NestOn[k])
            {
                continue;
            }
            var bassP = k == Bev ? p[ParameterId.BassPBev] : p[ParameterId.BassPPhev];
            var bassQ = k == Bev ? p[ParameterId.BassQBev] : p[ParameterId.BassQPhev];
            var speed = Math.Exp(-p[ParameterId.PriceGapSensitivity] * (market.GapPrevious[k] - market.GapBase[k]));
            if (k == Bev)
            {
                speed *= Math.Pow(ratio, p[ParameterId.ChargerSpeedElasticity]);
            }
            // Bass with a moving market potential (Mahajan & Peterson): the gap to today's ceiling closes at p + q x (A / ceiling).
            var ceiling = Ceiling(run, k, density, market.CeilingScale[k]);
            var adoption = market.Adoption[k];
            var rate = Math.Min(1, (bassP + bassQ * adoption / ceiling) * speed);
            adoption = Math.Clamp(adoption + rate * (ceiling - adoption), ModelConstants.AdoptionBound, ModelConstants.MaxAdoption);
            market.Adoption[k] = adoption;
            market.Asc[k] = market.BaseAsc[k] + p[ParameterId.AscWeight] * (Logit(adoption) - Logit(market.AdoptionBase[k])) + inputs.Preference[y, k];
        }
        market.Asc[Other] = market.BaseAsc[Other] + inputs.Preference[y, Other];
    }

    /// <summary>Records this year's price gaps, which set next year's diffusion speed.</summary>
    public static void RecordGaps(MarketState market)
    {
        market.GapPrevious[Bev] = PriceGap(market, Bev);
        market.GapPrevious[Phev] = PriceGap(market, Phev);
    }

    public static double ChargerDensity(MarketState market, int y) => market.In.Chargers[y] / Math.Max(market.Size / 1000, 1e-3);

    private static double Ceiling(RunState run, int k, double density, double scale) => k == Bev
        ? Math.Min(ModelConstants.MaxAdoption, run.Parameters[ParameterId.CeilingBev] * (1 - Math.Exp(-density / run.Parameters[ParameterId.ChargerScale])) * scale)
        : Math.Min(ModelConstants.MaxAdoption, run.Parameters[ParameterId.CeilingPhev] * scale);

    private static double Logit(double x) => Math.Log(x / (1 - x));

    /// <summary>Relative gap between a plug-in nest's average buyer price and the petrol nest's, weighted by what sold.</summary>
    private static double PriceGap(MarketState market, int k)
    {
        var plug = AveragePrice(market, k);
        var petrol = AveragePrice(market, Other);
        return plug > 0 && petrol > 0 ? plug / petrol - 1 : 0;
    }

    private static double AveragePrice(MarketState market, int k)
    {
        double units = 0, value = 0;
        for (var s = 0; s < market.Slots; s++)
        {
            units += market.Supplied[s, k];
            value += market.Supplied[s, k] * market.ConsumerPrice[s, k];
        }
        return units > 0 ? value / units : market.ReferenceConsumerPrice[k];
    }
}
