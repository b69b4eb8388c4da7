using NevGrains.Model.Data;
using NevGrains.Model.Engine.Costs;
using NevGrains.Model.Engine.Supply;

namespace NevGrains.Model.Engine.Pricing;

/// <summary>
/// How alternatives set their net prices (docs/model.md, section 4.2). A brand's offer:
/// <c>p = max(E / (1 − distribution − minimum margin), p_ref · (1 + price levers) + θ · (E − E_ref))</c>, where E is the offer's
/// opportunity cost (its cheapest route's landed cost plus scarcity rents) and E_ref that of the base year (or of its first year on sale):
/// cost, trade and scarcity shocks pass through at θ, and the price never falls below the cost plus the minimum margin.
/// Competitors keep their base price, follow their levers, match part of the Chinese brands' price move and pass the battery trend through.
/// </summary>
internal static class PriceRule
{
    /// <summary>Sets each brand offer's price rule for the year (intercept, pass-through, floor) and the cost its minimum import prices require.</summary>
    public static void Prepare(RunState run, int y)
    {
        var c = run.Coefficients;
        foreach (var market in run.Markets)
        {
            var inputs = market.In;
            for (var s = 0; s < run.Brands; s++)
            {
                for (var k = 0; k < Powertrains.Count; k++)
                {
                    if (market.Cells[s, k] is not { } cell)
                    {
                        continue;
                    }
                    cell.OnSale = inputs.OfferedInYear[y, s, k] && inputs.Presence[y, s] > 0 && cell.Available.Any(a => a);
                    if (!cell.OnSale)
                    {
                        continue;
                    }
                    var home = inputs.HomePriceUsd[y, s, k];
                    if (cell.ReferenceHomeUsd <= 0)
                    {
                        Introduce(run, market, cell, s, k, home, y);
                    }
                    var reference = market.BasePrice[s, k] * home / cell.ReferenceHomeUsd;
                    market.ReferencePrice[s, k] = reference;
                    // A product change (a cheaper model) moves the reference cost with it, so only cost and trade shocks pass through.
                    var productChange = (home - cell.ReferenceHomeUsd) / (1 + CompiledBaseline.ChinaVat) * c.HomeCost * cell.ReferenceCostIndex;
                    var theta = inputs.PassThrough[y, s];
                    if (double.IsNaN(theta))
                    {
                        theta = market.Info.HighMargin ? c.PassThroughHigh : c.PassThroughLow;
                    }
                    cell.Theta = theta;
                    cell.FloorFactor = c.FloorFactor;
                    cell.Intercept = reference * inputs.PriceMultiplier[y, s, k] - theta * (cell.ReferenceLanded + productChange);
                    RequiredCosts(cell, c);
                }
            }
        }
    }

    /// <summary>A route under a minimum import price may only carry cars priced so that the importer's price covers it and the duty.</summary>
    public static void RequiredCosts(RouteCell cell, Coefficients c)
    {
        for (var r = 0; r < cell.Plants.Length; r++)
        {
            var mip = cell.MinImportPrice[r];
            cell.RequiredCost[r] = mip > 0 ? cell.CostForPrice((mip + cell.Duty[r]) / (1 - c.Distribution)) : double.NegativeInfinity;
        }
    }

    /// <summary>
    /// An offer new to a market: priced as the market prices this brand's cars, with its first year's cheapest landed cost as reference,
    /// taken under the dataset's trade rules without the scenario's trade levers (tariffs, export-licence costs) and without local-only
    /// subsidies. The introduction price
    /// is what the brand would ask under the rules in force; a scenario's duty or licence cost then passes through at θ from the first
    /// year, as it does for an offer already on sale. (Taken with the lever, the reference absorbed the cost: the price ignored it, and
    /// fell below the lever-free one as the duty on a cheapening car fell: a higher tariff sold more cars.)
    /// </summary>
    private static void Introduce(RunState run, MarketState market, RouteCell cell, int s, int k, double home, int y)
    {
        var baseHome = market.In.HomePriceUsd[0, s, k];
        var reference = baseHome > 0 && market.BasePrice[s, k] > 0 ? market.BasePrice[s, k] * home / baseHome : home * market.Info.PriceIndex;
        cell.ReferenceHomeUsd = home;
        market.BasePrice[s, k] = reference;
        var cheapest = -1;
        var cheapestLanded = double.PositiveInfinity;
        for (var r = 0; r < cell.Plants.Length; r++)
        {
            if (!cell.Available[r])
            {
                continue;
            }
            var landed = RouteCosts.LandedWithoutTradeLevers(run, cell, r, y);
            if (cheapest < 0 || landed < cheapestLanded)
            {
                (cheapest, cheapestLanded) = (r, landed);
            }
        }
        cell.ReferenceLanded = cheapestLanded;
        cell.ReferenceCostIndex = cell.Plants[cheapest].UnitCostIndex;
    }

    /// <summary>Brand prices at the cells' current opportunity costs.</summary>
    public static void BrandPrices(MarketState market)
    {
        for (var s = 0; s < market.Brands; s++)
        {
            for (var k = 0; k < Powertrains.Count; k++)
            {
                if (market.Cells[s, k] is not { OnSale: true } cell)
                {
                    continue;
                }
                var e = cell.Opportunity;
                var byFloor = cell.FloorFactor * e;
                var byRule = cell.Intercept + cell.Theta * e;
                market.NetPrice[s, k] = Math.Max(byFloor, byRule);
                cell.PriceSlope = byFloor >= byRule ? cell.FloorFactor : cell.Theta;
            }
        }
    }

    /// <summary>Competitors' prices: base price with levers, part of the Chinese brands' relative move in the nest, and the battery trend.</summary>
    public static void CompetitorPrices(RunState run, MarketState market, int y)
    {
        var inputs = market.In;
        var c = run.Coefficients;
        var theta = market.Info.HighMargin ? c.PassThroughHigh : c.PassThroughLow;
        for (var k = 0; k < Powertrains.Count; k++)
        {
            market.ChineseMove[k] = ChineseMove(market, k);
        }
        for (var s = run.Brands; s < market.Slots; s++)
        {
            for (var k = 0; k < Powertrains.Count; k++)
            {
                if (!inputs.OfferedInYear[y, s, k])
                {
                    continue;
                }
                var battery = inputs.BatteryKwh[y, s, k] * (run.Inputs.PackPrice[y] - run.Inputs.PackPrice[0]);
                var response = inputs.CompetitorResponse[y] * market.ChineseMove[k];
                var basePrice = market.BasePrice[s, k];
                market.NetPrice[s, k] = Math.Max(ModelConstants.CompetitorPriceFloorShare * basePrice,
                    basePrice * inputs.PriceMultiplier[y, s, k] * (1 + response) + theta * battery);
            }
        }
    }

    /// <summary>The Chinese brands' average relative price move in a nest, weighted by last year's units (fixed within the year).</summary>
    private static double ChineseMove(MarketState market, int k)
    {
        double weight = 0, move = 0;
        for (var s = 0; s < market.Brands; s++)
        {
            var reference = market.ReferencePrice[s, k];
            var units = market.PreviousSupplied[s, k];
            if (reference <= 0 || units <= 0 || market.Cells[s, k] is not { OnSale: true })
            {
                continue;
            }
            weight += units;
            move += units * (market.NetPrice[s, k] / reference - 1);
        }
        return weight > 0 ? move / weight : 0;
    }
}
