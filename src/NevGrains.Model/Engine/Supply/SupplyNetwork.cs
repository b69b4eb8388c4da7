using System.Collections.Immutable;
using NevGrains.Model.Data;
using NevGrains.Model.Scenarios;

namespace NevGrains.Model.Engine.Supply;

/// <summary>One linear constraint of a brand's supply in one year, with its scarcity rent (shadow price, USD per unit).</summary>
internal sealed class SupplyConstraint(string key, double capacity)
{
    /// <summary>Identifies the constraint (and its kind: <c>plant:</c>, <c>cap:</c>, <c>offset:</c>) across years, so a year's solve starts from last year's rent.</summary>
    public string Key { get; } = key;
    public double Capacity { get; } = capacity;
    /// <summary>The size residuals are measured against: the capacity, or the demand that can load it.</summary>
    public double Scale { get; set; } = Math.Max(1, Math.Abs(capacity));
    public double Rent { get; set; }
    public double Load { get; set; }
}

/// <summary>
/// A brand's cells and, for one year, the constraints on its supply: plant capacities, export caps and offset rules
/// (docs/model.md, section 6.1). Routes of plants that cannot build this year are unavailable.
/// </summary>
internal sealed class SupplyNetwork(int brand, List<RouteCell> cells)
{
    public int Brand { get; } = brand;
    public List<RouteCell> Cells { get; } = cells;
    public List<SupplyConstraint> Constraints { get; } = [];

    /// <summary>Sets this year's constraints and each route's terms; rents start from last year's where the constraint persists.</summary>
    public void Prepare(int y, ScenarioInputs inputs, CompiledBaseline compiled, ProductionLines? lines, bool baseYear)
    {
        var previous = Constraints.ToDictionary(c => c.Key, c => c.Rent, StringComparer.Ordinal);
        Constraints.Clear();
        if (!baseYear)
        {
            // Last year's allocation must not leak into this year's solve.
            foreach (var cell in Cells)
            {
                cell.ClearUnits();
            }
        }
        // Per plant: its one constraint (a flexible plant), or one per powertrain line with its share of the capacity (section 6.1). A plant
        // stays flexible where a lever has it build a powertrain the lever-free run did not (a new offer), which has no line to use.
        var served = new Dictionary<int, bool[]>();
        foreach (var cell in Cells)
        {
            for (var r = 0; r < cell.Plants.Length; r++)
            {
                var plant = cell.Plants[r];
                // The base year is history: China plants shipped what was sold; plants abroad are set to their 2025 output.
                cell.Available[r] = inputs.Plants[plant.Index].Capacity[y] > 0 || (baseYear && plant.IsInChina);
                if (cell.Available[r] && !(baseYear && plant.IsInChina))
                {
                    if (!served.TryGetValue(plant.Index, out var powertrains))
                    {
                        served[plant.Index] = powertrains = new bool[Powertrains.Count];
                    }
                    powertrains[(int)cell.Powertrain] = true;
                }
            }
        }
        var plantConstraint = new Dictionary<int, int[]>();
        Span<double> shares = stackalloc double[Powertrains.Count];
        foreach (var (plantIndex, powertrains) in served.OrderBy(p => p.Key))
        {
            var plant = inputs.Plants[plantIndex];
            var capacity = plant.Capacity[y];
            var indices = new int[Powertrains.Count];
            if (!baseYear && lines is not null && lines.TrySplit(plantIndex, y, powertrains, shares))
            {
                for (var k = 0; k < Powertrains.Count; k++)
                {
                    indices[k] = powertrains[k] ? Add(new SupplyConstraint($"plant:{plant.Id}:{Powertrains.All[k].Code()}", capacity * shares[k])) : -1;
                }
            }
            else
            {
                Array.Fill(indices, Add(new SupplyConstraint($"plant:{plant.Id}", capacity)));
            }
            plantConstraint[plantIndex] = indices;
        }
        var brandInfo = compiled.Brands[Brand];

        var caps = new List<(int Index, ExportRestrictionLever Lever, double Share)>();
        if (!baseYear)
        {
            for (var i = 0; i < inputs.Restrictions.Length; i++)
            {
                var lever = inputs.Restrictions[i];
                if (lever.CapUnits is not { } cap || (!lever.Brands.IsDefaultOrEmpty && !lever.Brands.Contains(brandInfo.Id)))
                {
                    continue;
                }
                var share = YearDates.ShareOfYear(compiled.BaseYear + y, lever.From, lever.To);
                if (share <= 0)
                {
                    continue;
                }
                // In force for part of the year, the cap limits that part's exports (share x exports) at its yearly rate.
                var index = Add(new SupplyConstraint($"cap:{i}", cap * share));
                caps.Add((index, lever, share));
            }
        }

        var offsets = new List<(int Index, MarketInfo Market, double Ratio, ImmutableArray<Powertrain> Powertrains)>();
        if (!baseYear)
        {
            foreach (var market in compiled.Markets)
            {
                var rules = inputs.Markets[market.Index].OffsetRules;
                if (rules.IsDefaultOrEmpty)
                {
                    continue;
                }
                var ratio = 0.0;
                ImmutableArray<Powertrain> powertrains = default;
                foreach (var rule in rules)
                {
                    var share = YearDates.ShareOfYear(compiled.BaseYear + y, rule.ValidFrom, rule.ValidTo);
                    if (share > 0 && (rule.Brands.IsDefaultOrEmpty || rule.Brands.Contains(brandInfo.Id)) && rule.LocalUnitsPerImport.Value * share > ratio)
                    {
                        ratio = rule.LocalUnitsPerImport.Value * share;
                        powertrains = rule.Powertrains;
                    }
                }
                if (ratio > 0 && Cells.Any(c => c.Market == market.Index))
                {
                    offsets.Add((Add(new SupplyConstraint($"offset:{market.Id}", 0)), market, ratio, powertrains));
                }
            }
        }

        var terms = new List<(int, double)>(4);
        foreach (var cell in Cells)
        {
            var market = compiled.Markets[cell.Market];
            for (var r = 0; r < cell.Plants.Length; r++)
            {
                terms.Clear();
                var plant = cell.Plants[r];
                if (plantConstraint.TryGetValue(plant.Index, out var p))
                {
                    terms.Add((p[(int)cell.Powertrain], 1));
                }
                foreach (var (index, lever, share) in caps)
                {
                    if (plant.IsInChina && lever.Covers(brandInfo.Id, market.Id, cell.Powertrain))
                    {
                        terms.Add((index, share));
                    }
                }
                foreach (var (index, offsetMarket, ratio, powertrains) in offsets)
                {
                    var coefficient = 0.0;
                    if (cell.Market == offsetMarket.Index && !cell.Local[r] && (powertrains.IsDefaultOrEmpty || powertrains.Contains(cell.Powertrain)))
                    {
                        coefficient += ratio;
                    }
                    if (plant.Country == offsetMarket.Country)
                    {
                        coefficient -= 1;
                    }
                    if (coefficient != 0)
                    {
                        terms.Add((index, coefficient));
                    }
                }
                cell.Terms[r] = [.. terms];
            }
        }

        foreach (var constraint in Constraints)
        {
            constraint.Rent = previous.GetValueOrDefault(constraint.Key);
        }
    }

    private int Add(SupplyConstraint constraint)
    {
        Constraints.Add(constraint);
        return Constraints.Count - 1;
    }

    /// <summary>The allocation problem of this year with the cells' demand and revenue held fixed (section 6.2).</summary>
    public AllocationProblem ToProblem(Func<RouteCell, double> demand, Func<RouteCell, double> revenue, Func<RouteCell, int, bool> usable)
    {
        var problem = new AllocationProblem();
        foreach (var constraint in Constraints)
        {
            problem.AddConstraint(constraint.Capacity);
        }
        foreach (var cell in Cells)
        {
            problem.AddCell(cell.OnSale ? demand(cell) : 0, revenue(cell));
            for (var r = 0; r < cell.Plants.Length; r++)
            {
                if (cell.Available[r] && usable(cell, r))
                {
                    problem.AddRoute(cell.Landed[r], cell.Terms[r]);
                }
            }
        }
        return problem.Freeze();
    }

    /// <summary>Writes an allocation back to the cells: units per route, and as unmet what it left unserved.</summary>
    public void Apply(AllocationResult result, Func<RouteCell, int, bool> usable)
    {
        var route = 0;
        for (var c = 0; c < Cells.Count; c++)
        {
            var cell = Cells[c];
            cell.ClearUnits();
            for (var r = 0; r < cell.Plants.Length; r++)
            {
                if (cell.Available[r] && usable(cell, r))
                {
                    cell.Units[r] = result.RouteUnits[route++];
                }
            }
            cell.Unmet = result.Unserved[c];
        }
    }
}
