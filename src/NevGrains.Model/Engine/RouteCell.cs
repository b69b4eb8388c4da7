using NevGrains.Model.Data;

namespace NevGrains.Model.Engine;

/// <summary>
/// A brand's offer in one market and powertrain together with the plants that can supply it. Holds the routes' costs for
/// the current year and the units the allocation put on each.
/// </summary>
internal sealed class RouteCell
{
    public RouteCell(int market, int brand, Powertrain powertrain, PlantInfo[] plants)
    {
        Market = market;
        Brand = brand;
        Powertrain = powertrain;
        Plants = plants;
        var n = plants.Length;
        UnitCost = new double[n];
        Freight = new double[n];
        CustomsValue = new double[n];
        Duty = new double[n];
        MinImportPrice = new double[n];
        Landed = new double[n];
        Extra = new double[n];
        Units = new double[n];
        Plans = new DutyPlan[n];
        Order = new int[n];
        Rank = new int[n];
        Local = new bool[n];
    }

    public int Market { get; }
    public int Brand { get; }
    public Powertrain Powertrain { get; }
    public int K => (int)Powertrain;
    public PlantInfo[] Plants { get; }

    public double[] UnitCost { get; }
    public double[] Freight { get; }
    public double[] CustomsValue { get; }
    public double[] Duty { get; }
    public double[] MinImportPrice { get; }
    public double[] Landed { get; }
    /// <summary>Per-car costs beyond cost, freight and duty (export licences).</summary>
    public double[] Extra { get; }
    /// <summary>Some route draws on a tariff quota, so its duty moves with the quota fill.</summary>
    public bool HasQuota { get; set; }
    public double[] Units { get; }
    public DutyPlan[] Plans { get; }
    /// <summary>Route indices by landed cost, cheapest first.</summary>
    public int[] Order { get; }
    /// <summary>Position of each route in <see cref="Order"/>.</summary>
    public int[] Rank { get; }
    /// <summary>Built inside the market's customs territory.</summary>
    public bool[] Local { get; }

    public double Demand { get; set; }

    /// <summary>What a unit brings the brand before its landed cost (net price less distribution), for allocation under scarcity.</summary>
    public double UnitRevenue { get; set; }
    public double Unmet { get; set; }

    /// <summary>Landed cost of the base-year route mix, and the unit-cost index of that mix (to separate product changes from cost shocks).</summary>
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

    /// <summary>Weighted by the units on each route; with no units, the cheapest route's value.</summary>
    public double Weighted(double[] values)
    {
        var total = Supplied;
        if (total <= 0)
        {
            return Plants.Length == 0 ? 0 : values[Order[0]];
        }
        var sum = 0.0;
        for (var r = 0; r < Plants.Length; r++)
        {
            sum += values[r] * Units[r];
        }
        return sum / total;
    }

    public double LocalShare
    {
        get
        {
            var total = Supplied;
            if (total <= 0)
            {
                return Plants.Length > 0 && Local[Order[0]] ? 1 : 0;
            }
            var local = 0.0;
            for (var r = 0; r < Plants.Length; r++)
            {
                if (Local[r])
                {
                    local += Units[r];
                }
            }
            return local / total;
        }
    }

    public void SortRoutes()
    {
        // Insertion sort: a cell has a handful of routes, and this runs in the hot loop.
        for (var r = 0; r < Order.Length; r++)
        {
            var j = r;
            while (j > 0 && Landed[Order[j - 1]] > Landed[r])
            {
                Order[j] = Order[j - 1];
                j--;
            }
            Order[j] = r;
        }
        for (var p = 0; p < Order.Length; p++)
        {
            Rank[Order[p]] = p;
        }
    }

    public void ClearUnits()
    {
        Array.Clear(Units);
        Unmet = 0;
    }
}
