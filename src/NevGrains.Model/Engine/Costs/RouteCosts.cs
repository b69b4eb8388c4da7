using NevGrains.Model.Data;
using NevGrains.Model.Engine.Pricing;
using NevGrains.Model.Engine.Supply;
using NevGrains.Model.Scenarios;

namespace NevGrains.Model.Engine.Costs;

/// <summary>
/// What a car costs the brand on each route in a year (docs/model.md, section 4.1): unit cost, freight, the kit duty a kit plant pays
/// on its imported share, the destination's import duty for the car's origin, export-licence costs, less local-only subsidies on
/// locally built cars and the cell's revealed-cost credit.
/// </summary>
internal static class RouteCosts
{
    public static void Compute(RunState run, int y)
    {
        var inputs = run.Inputs;
        var c = run.Coefficients;
        var pack = inputs.PackPrice[y] - inputs.PackPrice[0];
        foreach (var market in run.Markets)
        {
            var info = market.Info;
            for (var b = 0; b < run.Brands; b++)
            {
                for (var k = 0; k < Powertrains.Count; k++)
                {
                    if (market.Cells[b, k] is not { } cell)
                    {
                        continue;
                    }
                    var home = market.In.HomePriceUsd[y, b, k];
                    var kwh = market.In.BatteryKwh[y, b, k];
                    var brand = run.Compiled.Brands[b];
                    cell.HasQuota = false;
                    var localSubsidy = LocalSubsidy(run, market, b, k, y, home);
                    for (var r = 0; r < cell.Plants.Length; r++)
                    {
                        var plant = cell.Plants[r];
                        var unit = home / (1 + CompiledBaseline.ChinaVat) * c.HomeCost * plant.UnitCostIndex + kwh * pack;
                        // Kits come from China and pay the kit duty where the plant is, whatever the car's destination.
                        var kitShare = plant.AssemblyMode == GoodsForm.Cbu || plant.Market < 0 ? 0 : 1 - plant.LocalContent[y];
                        var kitFreight = kitShare * Freight(run, run.ChinaRegion, plant.Region);
                        cell.KitPlans[r] = inputs.Tariffs.KitPlan(brand, plant, cell.Powertrain, y);
                        cell.KitCustomsValue[r] = unit * kitShare * (1 + c.FobMarkup) + kitFreight;
                        var kitDuty = kitShare > 0 ? cell.KitPlans[r].Evaluate(cell.KitCustomsValue[r], run.Quotas.Fill).Duty : 0;
                        var outbound = plant.Market == info.Index ? 0 : Freight(run, plant.Region, info.Region);
                        cell.Plans[r] = inputs.Tariffs.Plan(brand, plant, info, cell.Powertrain, y);
                        cell.CustomsValue[r] = unit * (1 + c.FobMarkup) + kitFreight + kitDuty + outbound;
                        var (duty, mip) = cell.Plans[r].Evaluate(cell.CustomsValue[r], run.Quotas.Fill);
                        cell.UnitCost[r] = unit;
                        cell.Freight[r] = kitFreight + outbound;
                        cell.KitDuty[r] = kitDuty;
                        cell.Duty[r] = kitDuty + duty;
                        cell.MinImportPrice[r] = mip;
                        cell.Extra[r] = plant.IsInChina ? RestrictionCost(run, b, info, cell.Powertrain, y) : 0;
                        cell.LocalSubsidy[r] = cell.Local[r] ? localSubsidy : 0;
                        cell.UpdateLanded(r);
                        cell.HasQuota |= cell.Plans[r].HasQuota || cell.KitPlans[r].HasQuota;
                    }
                }
            }
        }
    }

    /// <summary>Within a year only quota fills change duties: re-evaluates the routes that draw on a quota.</summary>
    public static void RefreshQuotaDuties(RunState run)
    {
        foreach (var cell in run.AllCells)
        {
            if (!cell.HasQuota)
            {
                continue;
            }
            for (var r = 0; r < cell.Plants.Length; r++)
            {
                var (kitDuty, duty, mip) = Duties(cell, r, cell.KitPlans[r], cell.Plans[r], run.Quotas.Fill);
                cell.CustomsValue[r] += kitDuty - cell.KitDuty[r];
                cell.KitDuty[r] = kitDuty;
                cell.Duty[r] = kitDuty + duty;
                cell.MinImportPrice[r] = mip;
                cell.UpdateLanded(r);
            }
        }
    }

    /// <summary>
    /// Route <paramref name="r"/>'s landed cost this year under the dataset's trade rules, without the scenario's trade levers: its
    /// tariff levers (the duties of <see cref="ScenarioInputs.ReferenceTariffs"/>) and its export-licence costs (<see cref="RouteCell.Extra"/>,
    /// which only levers set), and without local-only subsidies (<see cref="RouteCell.LocalSubsidy"/>), which pass through at θ. Routes
    /// under a tariff quota keep the scenario's duty: the two books number their quotas apart, and the scenario's fills say nothing about
    /// the other book's.
    /// </summary>
    public static double LandedWithoutTradeLevers(RunState run, RouteCell cell, int r, int y)
    {
        var book = run.Inputs.ReferenceTariffs;
        if (ReferenceEquals(book, run.Inputs.Tariffs) || cell.Plans[r].HasQuota || cell.KitPlans[r].HasQuota)
        {
            return cell.LandedWithoutExtras(r, cell.Duty[r]);
        }
        var brand = run.Compiled.Brands[cell.Brand];
        var plant = cell.Plants[r];
        var kitPlan = book.KitPlan(brand, plant, cell.Powertrain, y);
        var plan = book.Plan(brand, plant, run.Compiled.Markets[cell.Market], cell.Powertrain, y);
        if (kitPlan.HasQuota || plan.HasQuota)
        {
            return cell.LandedWithoutExtras(r, cell.Duty[r]);
        }
        var (kitDuty, duty, _) = Duties(cell, r, kitPlan, plan, []);
        return cell.LandedWithoutExtras(r, kitDuty + duty);
    }

    /// <summary>Route <paramref name="r"/>'s kit duty and import duty under the given plans, its customs value carrying that kit duty.</summary>
    private static (double KitDuty, double Duty, double MinImportPrice) Duties(RouteCell cell, int r, DutyPlan kitPlan, DutyPlan plan, ReadOnlySpan<double> quotaFill)
    {
        var kitDuty = cell.KitCustomsValue[r] > 0 ? kitPlan.Evaluate(cell.KitCustomsValue[r], quotaFill).Duty : 0;
        var (duty, mip) = plan.Evaluate(cell.CustomsValue[r] - cell.KitDuty[r] + kitDuty, quotaFill);
        return (kitDuty, duty, mip);
    }

    /// <summary>
    /// Local-only subsidies per locally built car (section 4.4). A price cap is checked at last year's price (the base price in the
    /// base year), so the route's cost does not depend on the price it sets.
    /// </summary>
    private static double LocalSubsidy(RunState run, MarketState market, int b, int k, int y, double homeUsd)
    {
        var net = y > 0 && market.NetPrice[b, k] > 0 ? market.NetPrice[b, k]
            : market.BasePrice[b, k] > 0 ? market.BasePrice[b, k] : homeUsd * market.Info.PriceIndex;
        var gross = net * (1 + market.In.PurchaseTax[y, k]) * (1 + market.Info.Vat);
        return ConsumerPrices.Subsidy(run, market, b, k, y, gross, localOnly: true);
    }

    private static double Freight(RunState run, int from, int to)
    {
        var cost = run.Compiled.Freight[from, to];
        return double.IsNaN(cost) ? 0 : cost;
    }

    private static double RestrictionCost(RunState run, int brand, MarketInfo market, Powertrain powertrain, int y)
    {
        var total = 0.0;
        foreach (var lever in run.Inputs.Restrictions)
        {
            if (lever.CostPerVehicleUsd > 0 && lever.Covers(run.Compiled.Brands[brand].Id, market.Id, powertrain))
            {
                total += lever.CostPerVehicleUsd * YearDates.ShareOfYear(run.Compiled.BaseYear + y, lever.From, lever.To);
            }
        }
        return total;
    }

}
