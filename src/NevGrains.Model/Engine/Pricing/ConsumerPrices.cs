using NevGrains.Model.Data;

namespace NevGrains.Model.Engine.Pricing;

/// <summary>
/// What a buyer pays (docs/model.md, section 4.4): the net price plus purchase tax and VAT, less the subsidies the offer qualifies for
/// (for the part of the year they are in force). A brand's local-only subsidies are not here: the maker receives them per locally built
/// car, as a credit on that route's landed cost (<see cref="Costs.RouteCosts"/>), and passes them on through its price.
/// </summary>
internal static class ConsumerPrices
{
    public static void Compute(RunState run, MarketState market, int y)
    {
        var info = market.Info;
        var inputs = market.In;
        for (var s = 0; s < market.Slots; s++)
        {
            for (var k = 0; k < Powertrains.Count; k++)
            {
                if (!inputs.OfferedInYear[y, s, k] && !(y == 0 && info.Alternatives[s].BaseUnits[k] > 0))
                {
                    continue;
                }
                var factor = (1 + inputs.PurchaseTax[y, k]) * (1 + info.Vat);
                var gross = market.NetPrice[s, k] * factor;
                // Competitors have no routes and count as built locally: their buyers get local-only subsidies in full.
                var subsidy = Subsidy(run, market, s, k, y, gross, localOnly: false)
                    + (s < run.Brands ? 0 : Subsidy(run, market, s, k, y, gross, localOnly: true));
                market.ConsumerPrice[s, k] = Math.Max(ModelConstants.ConsumerPriceFloorShare * gross, gross - subsidy);
                market.PriceFactor[s, k] = factor;
            }
        }
    }

    /// <summary>
    /// USD per car of the subsidies alternative <paramref name="s"/>'s offer qualifies for at a gross price, for the part of year
    /// <paramref name="y"/> they are in force: the local-only ones, or all the others.
    /// </summary>
    public static double Subsidy(RunState run, MarketState market, int s, int k, int y, double grossUsd, bool localOnly)
    {
        var info = market.Info;
        var inputs = market.In;
        var powertrain = (Powertrain)k;
        var isChineseBrand = s < run.Brands && run.Compiled.Brands[s].IsChinese;
        var total = 0.0;
        foreach (var incentive in inputs.Incentives)
        {
            if (incentive.LocalOnly != localOnly || !incentive.Powertrains.Contains(powertrain)
                || (incentive.ChineseBrandsExcluded && isChineseBrand))
            {
                continue;
            }
            var kwh = inputs.BatteryKwh[y, s, k];
            if ((incentive.MinBatteryKwh is { } min && kwh < min) || (incentive.MaxBatteryKwh is { } max && kwh >= max))
            {
                continue;
            }
            if (incentive.MaxPrice is { } cap && grossUsd / info.UsdPerLocal > cap.Value)
            {
                continue;
            }
            var share = YearDates.ShareOfYear(run.Compiled.BaseYear + y, incentive.ValidFrom, incentive.ValidTo);
            if (share <= 0)
            {
                continue;
            }
            total += incentive.Amount.Value * info.UsdPerLocal * share;
        }
        return total;
    }
}
