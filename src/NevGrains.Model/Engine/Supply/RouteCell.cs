using NevGrains.Model.Data;

namespace NevGrains.Model.Engine.Supply;

/// <summary>
/// A brand's offer in one market and powertrain together with the routes (plants) that can supply it (docs/model.md, section 6.1).
/// Holds the routes' costs for the current year, the equilibrium's view of them (opportunity costs, shares) and the units the
/// allocation put on each.
/// </summary>
internal sealed class RouteCell
{
    public RouteCell(int market, int brand, Powertrain powertrain, PlantInfo[] plants, bool[] local)
    {
        Market = market;
        Brand = brand;
        Powertrain = powertrain;
        Plants = plants;
        Local = local;
        var n = plants.Length;
        UnitCost = new double[n];
        Freight = new double[n];
        CustomsValue = new double[n];
        KitDuty = new double[n];
        Duty = new double[n];
        MinImportPrice = new double[n];
        Landed = new double[n];
        Extra = new double[n];
        LocalSubsidy = new double[n];
        Units = new double[n];
        Plans = new DutyPlan[n];
        KitPlans = new DutyPlan[n];
        KitCustomsValue = new double[n];
        Available = new bool[n];
        Terms = new (int, double)[n][];
        Effective = new double[n];
        RequiredCost = new double[n];
        FollowsRents = new bool[n];
        Share = new double[n];
        for (var r = 0; r < n; r++)
        {
            Terms[r] = [];
        }
    }

    public int Market { get; }
    public int Brand { get; }
    public Powertrain Powertrain { get; }
    public int K => (int)Powertrain;
    public PlantInfo[] Plants { get; }
    /// <summary>Built inside the market's customs territory.</summary>
    public bool[] Local { get; }

    // ---- this year's route costs (section 4.1)
    public double[] UnitCost { get; }
    public double[] Freight { get; }
    public double[] CustomsValue { get; }
    /// <summary>Duty on the imported kit share, paid at a kit plant whatever the destination.</summary>
    public double[] KitDuty { get; }
    /// <summary>All duty per car: kit duty plus the destination's import duty.</summary>
    public double[] Duty { get; }
    public double[] MinImportPrice { get; }
    /// <summary>Per-car costs beyond cost, freight and duty (export licences).</summary>
    public double[] Extra { get; }
    /// <summary>
    /// Local-only subsidies (USD per car) on a route built inside the market's customs territory: the maker receives them, so they are a
    /// credit on the route's landed cost and reach buyers through the price rule (section 4.4).
    /// </summary>
    public double[] LocalSubsidy { get; }
    /// <summary>Cost, freight, duty and extras, less local-only subsidies and the cell's revealed-cost credit.</summary>
    public double[] Landed { get; }
    /// <summary>The destination's import duty plan per route.</summary>
    public DutyPlan[] Plans { get; }
    /// <summary>The kit duty plan of the route's plant (free for plants that build cars).</summary>
    public DutyPlan[] KitPlans { get; }
    public double[] KitCustomsValue { get; }
    /// <summary>The route's plant can build this year.</summary>
    public bool[] Available { get; }
    /// <summary>Some route draws on a tariff quota, so its duty moves with the quota fill.</summary>
    public bool HasQuota { get; set; }

    /// <summary>
    /// Revealed-cost credit (USD per car, ≤ 0): a base-year price that did not cover the modelled cost plus the minimum margin shows a
    /// cheaper supply than the data holds; the shortfall lowers every route's landed cost of this cell in every year (section 4.3).
    /// </summary>
    public double CostCredit { get; set; }

    // ---- the equilibrium's view (section 6.3)
    /// <summary>Per route: the supply constraints it draws on (index in the brand's network, coefficient).</summary>
    public (int Constraint, double Coefficient)[][] Terms { get; }
    /// <summary>Landed cost plus the scarcity rents of the constraints the route draws on, at least <see cref="RequiredCost"/>.</summary>
    public double[] Effective { get; }
    /// <summary>Cost equivalent of a minimum import price on the route (the price rule's inverse at that price); 0 without one.</summary>
    public double[] RequiredCost { get; }
    /// <summary>Whether the route's effective cost moves with rents (false where a minimum import price holds it up).</summary>
    public bool[] FollowsRents { get; }
    /// <summary>Share of the cell's demand each route carries in the smoothed route choice.</summary>
    public double[] Share { get; }
    /// <summary>The opportunity cost that sets the price: the least effective cost over the routes, capped at <see cref="CapCost"/>.</summary>
    public double Opportunity { get; set; }
    /// <summary>The same without scarcity rents.</summary>
    public double OpportunityFree { get; set; }
    /// <summary>Slope of the price in the opportunity cost at the current point (pass-through or the floor's).</summary>
    public double PriceSlope { get; set; }

    /// <summary>On sale this year with at least one route whose plant can build.</summary>
    public bool OnSale { get; set; }

    public double Demand { get; set; }
    public double[] Units { get; }
    /// <summary>Demand the allocation could not serve at the equilibrium price; buyers take other cars.</summary>
    public double Unmet { get; set; }
    /// <summary>
    /// Buyers queued at the capped price: what would sell at the price charged beyond what sells at the market-clearing price
    /// (section 6.3). They are already counted with the alternatives they bought instead.
    /// </summary>
    public double Queued { get; set; }
    /// <summary>The scarcity rent the charged price carries when the cap binds (else infinity: the full rent).</summary>
    public double CappedRent { get; set; } = double.PositiveInfinity;


    // ---- the price rule (section 4.2): p = max(FloorFactor · E, Intercept + Theta · E)
    public double Intercept { get; set; }
    public double Theta { get; set; }
    public double FloorFactor { get; set; }

    /// <summary>Opportunity cost of the base-year route mix (or of the first year on sale), and the unit-cost index of that mix.</summary>
    public double ReferenceLanded { get; set; } = double.NaN;
    public double ReferenceCostIndex { get; set; } = 1;
    public double ReferenceHomeUsd { get; set; }

    public double Supplied
    {
        get
        {
            var total = 0.0;
            foreach (var units in Units)
            {
                total += units;
            }
            return total;
        }
    }

    /// <summary>Weighted by the units on each route; with no units, by the route shares of the equilibrium.</summary>
    public double Weighted(double[] values)
    {
        var total = Supplied;
        var weights = total > 0 ? Units : Share;
        double sum = 0, weight = 0;
        for (var r = 0; r < Plants.Length; r++)
        {
            sum += values[r] * weights[r];
            weight += weights[r];
        }
        return weight > 0 ? sum / weight : 0;
    }

    /// <summary>Landed cost from its parts: unit cost, freight, duty, extras, local-only subsidies and the cell's revealed-cost credit.</summary>
    public void UpdateLanded(int r) => Landed[r] = LandedWith(r, Duty[r]);

    /// <summary>The landed cost route <paramref name="r"/> would have with <paramref name="duty"/> in place of its own.</summary>
    public double LandedWith(int r, double duty) => UnitCost[r] + Freight[r] + duty + Extra[r] - LocalSubsidy[r] + CostCredit;

    /// <summary>
    /// The landed cost with another duty, without the per-car export-licence cost (which only levers set) and without local-only
    /// subsidies: an entrant's reference cost, so that a subsidy passes through to its price as it does to an offer already on sale.
    /// </summary>
    public double LandedWithoutExtras(int r, double duty) => UnitCost[r] + Freight[r] + duty + CostCredit;

    public void ClearUnits()
    {
        Array.Clear(Units);
        Unmet = 0;
        Queued = 0;
        CappedRent = double.PositiveInfinity;
    }

    /// <summary>The price rule at an opportunity cost.</summary>
    public double PriceAt(double opportunity) => Math.Max(FloorFactor * opportunity, Intercept + Theta * opportunity);

    /// <summary>The least opportunity cost at which the price rule reaches <paramref name="price"/>.</summary>
    public double CostForPrice(double price)
    {
        var byFloor = price / FloorFactor;
        return Theta > 0 ? Math.Min(byFloor, (price - Intercept) / Theta) : byFloor;
    }
}
