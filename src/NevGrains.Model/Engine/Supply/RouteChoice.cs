namespace NevGrains.Model.Engine.Supply;

/// <summary>
/// A cell's smoothed route choice at given scarcity rents (docs/model.md, section 6.3): each route's effective cost is its landed cost plus
/// the rents of the constraints it draws on (at least the cost a minimum import price requires); the cell's opportunity cost is the
/// soft minimum of those at temperature τ, the cap on what buyers are charged is applied after the solve (section 6.3); the shares are the soft
/// minimum's weights.
/// </summary>
internal static class RouteChoice
{
    /// <param name="rents">The brand network's constraint rents, indexed like the routes' terms.</param>
    public static void Evaluate(RouteCell cell, IReadOnlyList<SupplyConstraint> rents, double tau)
    {
        var min = double.PositiveInfinity;
        for (var r = 0; r < cell.Plants.Length; r++)
        {
            if (!cell.Available[r])
            {
                continue;
            }
            var cost = cell.Landed[r];
            foreach (var (constraint, coefficient) in cell.Terms[r])
            {
                cost += coefficient * rents[constraint].Rent;
            }
            cell.FollowsRents[r] = cost >= cell.RequiredCost[r];
            cell.Effective[r] = Math.Max(cost, cell.RequiredCost[r]);
            min = Math.Min(min, cell.Effective[r]);
        }
        if (double.IsPositiveInfinity(min))
        {
            Array.Clear(cell.Share);
            cell.Opportunity = 0;
            return;
        }

        var sum = 0.0;
        for (var r = 0; r < cell.Plants.Length; r++)
        {
            cell.Share[r] = cell.Available[r] ? SoftminWeight.Exp(-(cell.Effective[r] - min) / tau) : 0;
            sum += cell.Share[r];
        }
        for (var r = 0; r < cell.Plants.Length; r++)
        {
            cell.Share[r] /= sum;
        }
        cell.Opportunity = min - tau * SoftminWeight.Log(sum);
    }

    /// <summary>
    /// The opportunity cost without scarcity rents, smoothed the same way (so a cell with no scarcity has zero rent). It does not move
    /// with rents, so it is computed once the year's solve is done, not in the solver's loop.
    /// </summary>
    public static void FreeOpportunity(RouteCell cell, double tau)
    {
        var free = double.PositiveInfinity;
        for (var r = 0; r < cell.Plants.Length; r++)
        {
            if (cell.Available[r])
            {
                free = Math.Min(free, Math.Max(cell.Landed[r], cell.RequiredCost[r]));
            }
        }
        if (double.IsPositiveInfinity(free))
        {
            cell.OpportunityFree = 0;
            return;
        }
        var sum = 0.0;
        for (var r = 0; r < cell.Plants.Length; r++)
        {
            if (cell.Available[r])
            {
                sum += SoftminWeight.Exp(-(Math.Max(cell.Landed[r], cell.RequiredCost[r]) - free) / tau);
            }
        }
        cell.OpportunityFree = free - tau * SoftminWeight.Log(sum);
    }
}
