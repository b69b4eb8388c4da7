namespace NevGrains.Model.Engine;

/// <summary>What a shedding round relieves: one plant, or one cap group.</summary>
internal readonly record struct Constraint(int Plant, CapGroup? Cap)
{
    public bool Covers(RouteCell cell, int route) => Cap is null ? cell.Plants[route].Index == Plant : Cap.Covers(cell, route);
}

/// <summary>A shared cap on some routes (an export licence quota on China-built cars of one brand to some markets).</summary>
internal sealed class CapGroup(double capacity, Func<RouteCell, bool> cellInScope)
{
    public double Capacity { get; } = capacity;

    public bool Covers(RouteCell cell, int route) => cell.Plants[route].IsInChina && cellInScope(cell);
}

/// <summary>
/// Capacity-constrained allocation of one brand's demand across its plants (a greedy form of "maximise margin subject to
/// capacity", FACTS B.5): every cell starts on its cheapest route; while a plant (or a cap group) is over capacity, the units with
/// the smallest regret move on: the least extra cost on their next route, or, with no route left, the least margin lost.
/// Units with no route left are unmet demand, which the market then gives to other alternatives.
/// </summary>
internal static class Allocation
{
    private const int MaxRounds = 64;

    /// <param name="load">Scratch array, one slot per plant.</param>
    public static void Allocate(List<RouteCell> cells, double[] plantCapacity, IReadOnlyList<CapGroup> caps, double[] load)
    {
        foreach (var cell in cells)
        {
            cell.ClearUnits();
            if (cell.Demand <= 0)
            {
                continue;
            }
            var first = Next(cell, -1, plantCapacity, null);
            if (first < 0)
            {
                cell.Unmet = cell.Demand;
            }
            else
            {
                cell.Units[cell.Order[first]] = cell.Demand;
            }
        }

        var moves = new List<(RouteCell Cell, int Route, int Target, double Regret)>();
        for (var round = 0; round < MaxRounds; round++)
        {
            var moved = false;
            Array.Clear(load);
            foreach (var cell in cells)
            {
                for (var r = 0; r < cell.Plants.Length; r++)
                {
                    load[cell.Plants[r].Index] += cell.Units[r];
                }
            }
            for (var plant = 0; plant < load.Length; plant++)
            {
                var excess = load[plant] - plantCapacity[plant];
                if (excess > 1e-6)
                {
                    moved |= Shed(cells, plantCapacity, excess, moves, new Constraint(plant, null));
                }
            }
            foreach (var cap in caps)
            {
                var used = 0.0;
                foreach (var cell in cells)
                {
                    for (var r = 0; r < cell.Plants.Length; r++)
                    {
                        if (cap.Covers(cell, r))
                        {
                            used += cell.Units[r];
                        }
                    }
                }
                if (used - cap.Capacity > 1e-6)
                {
                    moved |= Shed(cells, plantCapacity, used - cap.Capacity, moves, new Constraint(-1, cap));
                }
            }
            if (!moved)
            {
                break;
            }
        }
    }

    /// <summary>Moves <paramref name="excess"/> units off the constrained routes to each cell's next route, smallest regret first.</summary>
    private static bool Shed(List<RouteCell> cells, double[] plantCapacity, double excess,
        List<(RouteCell Cell, int Route, int Target, double Regret)> moves, Constraint constrained)
    {
        moves.Clear();
        foreach (var cell in cells)
        {
            for (var r = 0; r < cell.Plants.Length; r++)
            {
                if (cell.Units[r] <= 0 || !constrained.Covers(cell, r))
                {
                    continue;
                }
                var next = Next(cell, cell.Rank[r], plantCapacity, constrained);
                var target = next < 0 ? -1 : cell.Order[next];
                // Moving costs the extra landed cost; with nowhere to go, the unit's margin is lost, so low-margin units go first.
                var regret = target < 0 ? Math.Max(0, cell.UnitRevenue - cell.Landed[r]) : cell.Landed[target] - cell.Landed[r];
                moves.Add((cell, r, target, regret));
            }
        }
        if (moves.Count == 0)
        {
            return false;
        }
        // Sort by regret with primitive keys (the tie order follows the cells' fixed order, so runs are deterministic).
        var keys = new double[moves.Count];
        var order = new int[moves.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = moves[i].Regret;
            order[i] = i;
        }
        Array.Sort(keys, order);
        foreach (var index in order)
        {
            if (excess <= 1e-9)
            {
                break;
            }
            var (cell, route, target, _) = moves[index];
            var amount = Math.Min(excess, cell.Units[route]);
            cell.Units[route] -= amount;
            excess -= amount;
            if (target < 0)
            {
                cell.Unmet += amount;
            }
            else
            {
                cell.Units[target] += amount;
            }
        }
        return true;
    }

    /// <summary>The next position in cost order after <paramref name="from"/> whose plant can build anything and which the constraint does not cover.</summary>
    private static int Next(RouteCell cell, int from, double[] plantCapacity, Constraint? constrained)
    {
        for (var p = from + 1; p < cell.Order.Length; p++)
        {
            var route = cell.Order[p];
            if (plantCapacity[cell.Plants[route].Index] > 0 && (constrained is null || !constrained.Value.Covers(cell, route)))
            {
                return p;
            }
        }
        return -1;
    }
}
