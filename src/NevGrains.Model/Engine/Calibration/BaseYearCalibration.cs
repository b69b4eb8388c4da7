using NevGrains.Model.Data;
using NevGrains.Model.Engine.Costs;
using NevGrains.Model.Engine.Demand;
using NevGrains.Model.Engine.Pricing;
using NevGrains.Model.Engine.Supply;
using NevGrains.Model.Parameters;

namespace NevGrains.Model.Engine.Calibration;

/// <summary>
/// The base year is the data (docs/model.md, section 7): base-year sales are allocated to plants, each offer's opportunity cost becomes
/// its reference cost (a price that does not cover it plus the minimum margin reveals a cheaper supply: the shortfall is kept as a cost
/// credit), and the constants are solved so the base year reproduces every cell.
/// </summary>
internal static class BaseYearCalibration
{
    private const int K = Powertrains.Count;

    public static void Run(RunState run)
    {
        foreach (var market in run.Markets)
        {
            market.Size = market.Info.BaseSales;
            for (var s = 0; s < market.Slots; s++)
            {
                var alt = market.Info.Alternatives[s];
                for (var k = 0; k < K; k++)
                {
                    market.Demand[s, k] = alt.BaseUnits[k];
                    market.Supplied[s, k] = alt.BaseUnits[k];
                    if (s < run.Brands && market.Cells[s, k] is { } cell)
                    {
                        cell.Demand = alt.BaseUnits[k];
                    }
                }
            }
        }
        foreach (var network in run.Networks)
        {
            network.Prepare(0, run.Inputs, run.Compiled, lines: null, baseYear: true);
            foreach (var cell in network.Cells)
            {
                cell.OnSale = cell.Demand > 0 && cell.Available.Any(a => a);
                Array.Fill(cell.RequiredCost, double.NegativeInfinity);
            }
        }

        // Routes, duties and the history allocation; tariff quotas settle over a few passes (the last pass uses the settled fills).
        for (var pass = 0; ; pass++)
        {
            RouteCosts.Compute(run, 0);
            AllocateHistory(run);
            if (!run.Quotas.Any || pass == 3
                || run.Quotas.Update(run.AllCells, (cell, r) => cell.Units[r]) < ModelConstants.QuotaFillTolerance)
            {
                break;
            }
        }

        var c = run.Coefficients;
        foreach (var network in run.Networks)
        {
            foreach (var cell in network.Cells)
            {
                if (!cell.OnSale)
                {
                    continue;
                }
                var market = run.Markets[cell.Market];
                RouteChoice.Evaluate(cell, network.Constraints, ModelConstants.SmoothingStagesUsd[^1]);
                RouteChoice.FreeOpportunity(cell, ModelConstants.SmoothingStagesUsd[^1]);
                var basePrice = market.BasePrice[cell.Brand, cell.K];
                var credit = Math.Min(0, basePrice * (1 - c.Distribution - c.MinMargin) - cell.Opportunity);
                cell.CostCredit = credit;
                for (var r = 0; r < cell.Plants.Length; r++)
                {
                    cell.UpdateLanded(r);
                }
                cell.Opportunity += credit;
                cell.OpportunityFree += credit;
                cell.ReferenceLanded = cell.Opportunity;
                cell.ReferenceCostIndex = cell.Weighted(cell.Plants.Select(p => p.UnitCostIndex).ToArray());
                cell.ReferenceHomeUsd = market.In.HomePriceUsd[0, cell.Brand, cell.K];
            }
        }

        foreach (var market in run.Markets)
        {
            var info = market.Info;
            for (var s = 0; s < market.Slots; s++)
            {
                var alt = info.Alternatives[s];
                for (var k = 0; k < K; k++)
                {
                    market.NetPrice[s, k] = market.BasePrice[s, k];
                    market.ReferencePrice[s, k] = market.BasePrice[s, k];
                    market.PreviousSupplied[s, k] = alt.BaseUnits[k];
                }
                if (alt.IsBrand && alt.Entered is { } entered && alt.PresentInBaseline)
                {
                    market.Familiarity[s] = BrandUtility.InitialFamiliarity(run, entered);
                }
            }
            ConsumerPrices.Compute(run, market, 0);
            ReferenceConsumerPrices(market);
            Constants(run, market);
            Diffusion.Initialise(run, market);
        }
        EntrantConstants(run);
    }

    /// <summary>Base-year sales are history: they go to the cheapest routes plants abroad could serve; China plants shipped the rest.</summary>
    private static void AllocateHistory(RunState run)
    {
        foreach (var network in run.Networks)
        {
            static bool All(RouteCell cell, int r) => true;
            // Serving is worth more than any route costs, so every sale is placed; shadow prices stay within the cost spread.
            var problem = network.ToProblem(cell => cell.Demand, cell => 4 * Math.Max(1, cell.Landed.DefaultIfEmpty(0).Max()), All);
            var result = RouteAllocator.Solve(problem);
            network.Apply(result, All);
            for (var t = 0; t < network.Constraints.Count; t++)
            {
                network.Constraints[t].Rent = result.ShadowPrices[t];
            }
            foreach (var cell in network.Cells)
            {
                if (cell.Unmet <= 0)
                {
                    continue;
                }
                var cheapest = -1;
                for (var r = 0; r < cell.Plants.Length; r++)
                {
                    if (cheapest < 0 || cell.Landed[r] < cell.Landed[cheapest])
                    {
                        cheapest = r;
                    }
                }
                if (cheapest >= 0)
                {
                    cell.Units[cheapest] += cell.Unmet;
                }
                cell.Unmet = 0;
            }
        }
    }

    /// <summary>Per nest, the sales-weighted base consumer price that prices are measured against.</summary>
    private static void ReferenceConsumerPrices(MarketState market)
    {
        var info = market.Info;
        for (var k = 0; k < K; k++)
        {
            double units = 0, value = 0, offered = 0, sum = 0;
            for (var s = 0; s < market.Slots; s++)
            {
                if (!market.In.Offered[s, k] && info.Alternatives[s].BaseUnits[k] <= 0)
                {
                    continue;
                }
                var price = market.ConsumerPrice[s, k];
                if (price <= 0)
                {
                    continue;
                }
                units += info.Alternatives[s].BaseUnits[k];
                value += info.Alternatives[s].BaseUnits[k] * price;
                offered++;
                sum += price;
            }
            market.ReferenceConsumerPrice[k] = units > 0 ? value / units : offered > 0 ? sum / offered : 1;
        }
    }

    /// <summary>
    /// Within a nest, V_j = λ ln(s_j|k) reproduces the shares and sets each inclusive value to 0; the nest constants are then the log
    /// nest shares.
    /// </summary>
    private static void Constants(RunState run, MarketState market)
    {
        var info = market.Info;
        var lambda = run.Coefficients.Lambda;
        var alpha = run.Coefficients.Alpha;
        for (var k = 0; k < K; k++)
        {
            var volume = 0.0;
            for (var s = 0; s < market.Slots; s++)
            {
                volume += info.Alternatives[s].BaseUnits[k];
            }
            market.NestOn[k] = volume > 0;
            if (!market.NestOn[k])
            {
                continue;
            }
            market.BaseAsc[k] = Math.Log(volume / market.Size);
            for (var s = 0; s < market.Slots; s++)
            {
                var units = info.Alternatives[s].BaseUnits[k];
                if (units > 0)
                {
                    var price = alpha[k] * Math.Log(Math.Max(market.ConsumerPrice[s, k], 1) / market.ReferenceConsumerPrice[k]);
                    market.Xi[s, k] = lambda * Math.Log(units / volume) - price - BrandUtility.WithoutConstant(run, market, s, k, 0);
                    market.Calibrated[s, k] = true;
                }
            }
        }
    }

    /// <summary>
    /// Constants for offers with no base-year sales (entries, new powertrains): the nest's mean constant, plus the brand's mean position
    /// relative to the nests where it does sell, plus the entrant offset.
    /// </summary>
    private static void EntrantConstants(RunState run)
    {
        var offset = run.Parameters[ParameterId.NewEntrantOffset];
        var markets = run.Markets;
        var nestMean = new double[markets.Length, K];
        for (var m = 0; m < markets.Length; m++)
        {
            for (var k = 0; k < K; k++)
            {
                double sum = 0;
                var n = 0;
                for (var s = 0; s < markets[m].Slots; s++)
                {
                    if (markets[m].Calibrated[s, k])
                    {
                        sum += markets[m].Xi[s, k];
                        n++;
                    }
                }
                nestMean[m, k] = n > 0 ? sum / n : 0;
            }
        }
        var relative = new double[run.Brands, K];
        var relativeAny = new double[run.Brands];
        for (var b = 0; b < run.Brands; b++)
        {
            double any = 0;
            var anyCount = 0;
            for (var k = 0; k < K; k++)
            {
                double sum = 0;
                var n = 0;
                for (var m = 0; m < markets.Length; m++)
                {
                    if (markets[m].Calibrated[b, k])
                    {
                        sum += markets[m].Xi[b, k] - nestMean[m, k];
                        n++;
                    }
                }
                relative[b, k] = n > 0 ? sum / n : double.NaN;
                if (n > 0)
                {
                    any += relative[b, k];
                    anyCount++;
                }
            }
            relativeAny[b] = anyCount > 0 ? any / anyCount : 0;
        }
        for (var m = 0; m < markets.Length; m++)
        {
            var market = markets[m];
            for (var s = 0; s < market.Slots; s++)
            {
                for (var k = 0; k < K; k++)
                {
                    if (market.Calibrated[s, k] || !market.In.Offered[s, k])
                    {
                        continue;
                    }
                    var brandPart = s < run.Brands ? (double.IsNaN(relative[s, k]) ? relativeAny[s] : relative[s, k]) : 0;
                    market.Xi[s, k] = nestMean[m, k] + brandPart + offset;
                }
            }
        }
    }
}
