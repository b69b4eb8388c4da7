using Google.OrTools.LinearSolver;
using NevGrains.Model.Engine.Supply;

namespace NevGrains.Model.Tests.Engine.Supply;

/// <summary>
/// The exact linear programme of an <see cref="AllocationProblem"/>, solved by OR-Tools' GLOP (a simplex): the reference the
/// fast allocator is checked against. Used only in tests.
/// </summary>
internal static class ReferenceLp
{
    /// <param name="Objective">The optimal gross margin (USD).</param>
    /// <param name="RouteUnits">An optimal allocation (one of possibly many).</param>
    /// <param name="Duals">GLOP's dual value per constraint.</param>
    public sealed record Solution(double Objective, double[] RouteUnits, double[] Duals);

    /// <summary>max Σ (revenue − cost) · x  s.t.  Σ x over a cell's routes ≤ demand, Σ coefficient · x ≤ capacity, x ≥ 0.</summary>
    public static Solution Solve(AllocationProblem problem)
    {
        problem.Freeze();
        using var solver = Solver.CreateSolver("GLOP") ?? throw new InvalidOperationException("OR-Tools has no GLOP");
        // Tighter than GLOP's defaults (1e-8): the allocator is held to 1e-6 of the margin, the reference should be well inside that.
        if (!solver.SetSolverSpecificParametersAsString("primal_feasibility_tolerance: 1e-10 dual_feasibility_tolerance: 1e-10"))
        {
            throw new InvalidOperationException("GLOP refused its parameters");
        }

        var x = new Variable[problem.Routes];
        var objective = solver.Objective();
        for (var r = 0; r < problem.Routes; r++)
        {
            x[r] = solver.MakeNumVar(0, double.PositiveInfinity, $"x{r}");
            objective.SetCoefficient(x[r], problem.CellRevenue[problem.RouteCell[r]] - problem.RouteCost[r]);
        }
        objective.SetMaximization();

        for (var c = 0; c < problem.Cells; c++)
        {
            var row = solver.MakeConstraint(double.NegativeInfinity, problem.CellDemand[c], $"demand{c}");
            for (var r = problem.CellRouteStart[c]; r < problem.CellRouteStart[c + 1]; r++)
            {
                row.SetCoefficient(x[r], 1);
            }
        }

        var rows = new Constraint[problem.Constraints];
        for (var t = 0; t < problem.Constraints; t++)
        {
            rows[t] = solver.MakeConstraint(double.NegativeInfinity, problem.Capacity[t], $"constraint{t}");
        }
        for (var r = 0; r < problem.Routes; r++)
        {
            for (var i = problem.TermStart[r]; i < problem.TermStart[r + 1]; i++)
            {
                var row = rows[problem.TermConstraint[i]];
                // SetCoefficient replaces: add up a route's repeated terms on one constraint.
                row.SetCoefficient(x[r], row.GetCoefficient(x[r]) + problem.TermCoefficient[i]);
            }
        }

        var status = solver.Solve();
        if (status != Solver.ResultStatus.OPTIMAL)
        {
            throw new InvalidOperationException($"GLOP ended with {status}");
        }
        return new Solution(
            objective.Value(),
            [.. x.Select(v => v.SolutionValue())],
            [.. rows.Select(row => row.DualValue())]);
    }

    /// <summary>
    /// Weak duality: for any prices μ ≥ 0, Σ capacity · μ + Σ demand · max(0, max over routes of revenue − cost − Σ coefficient · μ)
    /// bounds the optimal margin from above. With the allocator's shadow prices it certifies how far the allocator can be from
    /// the optimum without trusting GLOP.
    /// </summary>
    public static double DualBound(AllocationProblem problem, double[] prices)
    {
        problem.Freeze();
        double bound = 0;
        for (var t = 0; t < problem.Constraints; t++)
        {
            bound += problem.Capacity[t] * Math.Max(0, prices[t]);
        }
        for (var c = 0; c < problem.Cells; c++)
        {
            double best = 0;
            for (var r = problem.CellRouteStart[c]; r < problem.CellRouteStart[c + 1]; r++)
            {
                var margin = problem.CellRevenue[c] - problem.RouteCost[r];
                for (var i = problem.TermStart[r]; i < problem.TermStart[r + 1]; i++)
                {
                    margin -= problem.TermCoefficient[i] * Math.Max(0, prices[problem.TermConstraint[i]]);
                }
                best = Math.Max(best, margin);
            }
            bound += problem.CellDemand[c] * best;
        }
        return bound;
    }
}
