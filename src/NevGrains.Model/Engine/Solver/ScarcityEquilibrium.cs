using NevGrains.Model.Data;
using NevGrains.Model.Engine.Costs;
using NevGrains.Model.Engine.Demand;
using NevGrains.Model.Engine.Pricing;
using NevGrains.Model.Engine.Supply;
using NevGrains.Model.Results;

namespace NevGrains.Model.Engine.Solver;

/// <summary>How a year's solve ended: why, after how many Newton iterations, at what relative residual.</summary>
internal readonly record struct SolveOutcome(SolverExit Exit, int Iterations, double Residual);

/// <summary>
/// One year's equilibrium of prices, demand and supply (docs/model.md, section 6.4). The unknowns are the scarcity rents of every supply
/// constraint (plant capacities, export caps, offset rules); given rents, each offer's opportunity cost, price, its buyers' demand
/// and its routes' loads follow explicitly. The solve finds rents with <c>rent ≥ 0, load ≤ capacity</c> and one of the two tight for
/// every constraint, by a semismooth Newton method (the Jacobian of each brand's loads in its own rents is analytic; brands are
/// coupled through the residual) with a backtracking line search, over smoothing stages of the route choice
/// (<see cref="ModelConstants.SmoothingStagesUsd"/>). Tariff-quota fills, which change duties, are iterated around it.
/// The exit reason, iterations and residual are reported (as Math.NET's root finders report their exit condition).
/// </summary>
internal sealed class ScarcityEquilibrium(RunState run)
{
    private readonly Coefficients _c = run.Coefficients;

    /// <param name="cancellationToken">Checked at every iteration of the fallback solve, which can take a large part of a second.</param>
    public SolveOutcome Solve(int y, CancellationToken cancellationToken = default)
    {
        var iterations = 0;
        // The fallback's budget for the year; each quota round's fallback also stays within solver.maxIterations (a caller who lowered
        // it asked for a bounded solve). A quota round's fresh duties can unstick it, so each round may run it again.
        var fallbackLeft = Math.Min(ModelConstants.RobustSolveIterationsPerYear, _c.MaxIterations);
        var outcome = new SolveOutcome(SolverExit.Converged, 0, 0);
        run.Quotas.BeginYear();
        for (var round = 0; round < ModelConstants.MaxQuotaRounds; round++)
        {
            // Later rounds start from the last round's rents, which are close: only the last smoothing stage is needed.
            outcome = SolveRents(y, _c.MaxIterations - iterations, warm: round > 0 || y > 1);
            iterations += outcome.Iterations;
            if (outcome.Exit != SolverExit.Converged && fallbackLeft > 0)
            {
                var fallback = SolveRentsRobustly(y, Math.Min(fallbackLeft, ModelConstants.RobustSolveIterations), outcome.Residual, cancellationToken);
                fallbackLeft -= fallback.Iterations;
                iterations += fallback.Iterations;
                outcome = fallback.Residual <= outcome.Residual ? fallback : outcome with { Iterations = fallback.Iterations };
            }
            if (!run.Quotas.Any)
            {
                break;
            }
            var change = run.Quotas.Step(run.AllCells, (cell, r) => cell.OnSale ? cell.Share[r] * cell.Demand : 0);
            if (change < ModelConstants.QuotaFillTolerance)
            {
                break;
            }
            if (round == ModelConstants.MaxQuotaRounds - 1)
            {
                outcome = outcome with { Exit = SolverExit.IterationLimit, Residual = Math.Max(outcome.Residual, change) };
                break;
            }
            RouteCosts.RefreshQuotaDuties(run);
            foreach (var cell in run.AllCells)
            {
                PriceRule.RequiredCosts(cell, _c);
            }
        }
        return outcome with { Iterations = iterations };
    }

    private SolveOutcome SolveRents(int y, int budget, bool warm)
    {
        var initial = run.Networks.Select(n => n.Constraints.Select(c => c.Rent).ToArray()).ToArray();
        var outcome = SolveRents(y, budget, warm ? ModelConstants.SmoothingStagesUsd[^1..] : ModelConstants.SmoothingStagesUsd);
        if (!warm || outcome.Exit == SolverExit.Converged)
        {
            return outcome;
        }
        // A warm start too far from the solution for the sharp last stage: start again and go through every stage.
        SetRents(initial);
        var again = SolveRents(y, budget - outcome.Iterations, ModelConstants.SmoothingStagesUsd);
        return again with { Iterations = again.Iterations + outcome.Iterations };
    }

    private SolveOutcome SolveRents(int y, int budget, double[] stages)
    {
        if (!run.Networks.Any(n => n.Constraints.Count > 0))
        {
            Evaluate(y, stages[^1]);
            return new SolveOutcome(SolverExit.Converged, 0, 0);
        }
        Evaluate(y, stages[0]);
        SetScales();
        var iterations = 0;
        var residual = 0.0;
        var steps = run.Networks.Select(n => new double[n.Constraints.Count]).ToArray();
        var starts = run.Networks.Select(n => new double[n.Constraints.Count]).ToArray();
        for (var stage = 0; stage < stages.Length; stage++)
        {
            var tau = stages[stage];
            var last = stage == stages.Length - 1;
            var tolerance = last ? _c.Tolerance : Math.Max(_c.Tolerance, ModelConstants.StageTolerance);
            var merit = stage == 0 ? Merit() : Evaluate(y, tau); // stage 0 was evaluated at these rents just above
            while (true)
            {
                residual = MaxResidual();
                if (residual <= tolerance)
                {
                    break;
                }
                if (iterations >= budget)
                {
                    return new SolveOutcome(SolverExit.IterationLimit, iterations, residual);
                }
                iterations++;
                YieldPoint.Reach();
                for (var n = 0; n < run.Networks.Length; n++)
                {
                    var network = run.Networks[n];
                    for (var t = 0; t < network.Constraints.Count; t++)
                    {
                        starts[n][t] = network.Constraints[t].Rent;
                    }
                    NewtonStep(network, tau, steps[n]);
                }
                var accepted = LineSearch(y, tau, s =>
                {
                    for (var n = 0; n < run.Networks.Length; n++)
                    {
                        var network = run.Networks[n];
                        for (var t = 0; t < network.Constraints.Count; t++)
                        {
                            var constraint = network.Constraints[t];
                            constraint.Rent = Math.Max(0, starts[n][t] + s * steps[n][t]);
                        }
                    }
                }, ref merit);
                if (!accepted)
                {
                    SetRents(starts);
                    // Newton found no descent (a kink: rents at their cap, a subsidy price limit). Each constraint's load falls as its
                    // own rent rises, so a sweep of bracketed one-dimensional solves always makes progress; then Newton resumes. The
                    // loads still hold the last rejected trial's, so the residual to beat is measured by the sweep at the restored rents.
                    merit = Sweep(y, tau, tolerance, ref iterations, out var before);
                    residual = MaxResidual();
                    if (residual < before * 0.999 && iterations < budget)
                    {
                        continue;
                    }
                    if (last)
                    {
                        return new SolveOutcome(residual <= tolerance ? SolverExit.Converged : SolverExit.Stalled, iterations, residual);
                    }
                    break;
                }
            }
        }
        return new SolveOutcome(SolverExit.Converged, iterations, residual);
    }

    /// <summary>
    /// The fallback when the fast solve stops short (seen under near-total export caps on every brand, where rents reach hundreds of
    /// thousands of dollars): Newton at the last smoothing stage on the whole system at once, its Jacobian by finite differences
    /// (one evaluation per constraint, so it also holds what the analytic one leaves out: rivals' and competitors' responses to a
    /// brand's prices), and rows of overloaded constraints solved for log(load) = log(capacity), which a load falling like a power of
    /// its rent meets in a few steps where the linear row crawls. Slower per iteration, run only when the fast solve failed.
    /// A quota round gets at most <see cref="ModelConstants.RobustSolveIterations"/> of them, a year <see cref="ModelConstants.RobustSolveIterationsPerYear"/>.
    /// </summary>
    /// <param name="fastResidual">Where the fast solve stopped: if the fallback ends further from the solution, the rents go back there.</param>
    private SolveOutcome SolveRentsRobustly(int y, int budget, double fastResidual, CancellationToken cancellationToken)
    {
        var tau = ModelConstants.SmoothingStagesUsd[^1];
        var constraints = run.Networks.SelectMany(n => n.Constraints).ToArray();
        if (constraints.Length == 0)
        {
            return new SolveOutcome(SolverExit.Converged, 0, 0);
        }
        var fastRents = constraints.Select(c => c.Rent).ToArray();
        var outcome = SolveFromCurrentRents(y, tau, constraints, budget, cancellationToken);
        if (outcome.Exit != SolverExit.Converged && outcome.Residual > fastResidual)
        {
            for (var t = 0; t < constraints.Length; t++)
            {
                constraints[t].Rent = fastRents[t];
            }
            Evaluate(y, tau);
        }
        return outcome;
    }

    private SolveOutcome SolveFromCurrentRents(int y, double tau, SupplyConstraint[] constraints, int budget, CancellationToken cancellationToken)
    {
        var merit = Evaluate(y, tau);
        var starts = new double[constraints.Length];
        var step = new double[constraints.Length];
        var jacobian = new double[constraints.Length, constraints.Length];
        var loads = new double[constraints.Length];
        var iterations = 0;
        while (true)
        {
            var residual = MaxResidual();
            if (residual <= _c.Tolerance)
            {
                return new SolveOutcome(SolverExit.Converged, iterations, residual);
            }
            if (iterations >= budget)
            {
                return new SolveOutcome(SolverExit.IterationLimit, iterations, residual);
            }
            cancellationToken.ThrowIfCancellationRequested();
            YieldPoint.Reach();
            iterations++;
            for (var t = 0; t < constraints.Length; t++)
            {
                starts[t] = constraints[t].Rent;
                loads[t] = constraints[t].Load;
            }
            for (var u = 0; u < constraints.Length; u++)
            {
                var h = Math.Max(0.25, 1e-6 * starts[u]);
                constraints[u].Rent = starts[u] + h;
                Evaluate(y, tau);
                for (var t = 0; t < constraints.Length; t++)
                {
                    jacobian[t, u] = (constraints[t].Load - loads[t]) / h;
                }
                constraints[u].Rent = starts[u];
            }
            Evaluate(y, tau);
            ActiveSetStep(constraints, jacobian, step, logOverloadedRows: true);
            var accepted = LineSearch(y, tau, s =>
            {
                for (var t = 0; t < constraints.Length; t++)
                {
                    constraints[t].Rent = Math.Max(0, starts[t] + s * step[t]);
                }
            }, ref merit);
            if (!accepted)
            {
                for (var t = 0; t < constraints.Length; t++)
                {
                    constraints[t].Rent = starts[t];
                }
                merit = Sweep(y, tau, _c.Tolerance, ref iterations, out var before);
                if (MaxResidual() >= before * 0.999)
                {
                    var stalled = MaxResidual();
                    return new SolveOutcome(stalled <= _c.Tolerance ? SolverExit.Converged : SolverExit.Stalled, iterations, stalled);
                }
            }
        }
    }

    /// <summary>Sets every brand's rents (indexed as the networks' constraints).</summary>
    private void SetRents(double[][] rents)
    {
        for (var n = 0; n < run.Networks.Length; n++)
        {
            for (var t = 0; t < rents[n].Length; t++)
            {
                run.Networks[n].Constraints[t].Rent = rents[n][t];
            }
        }
    }

    /// <summary>
    /// Backtracking from the full step: the first of s = 1, 1/2, 1/4, ... whose merit falls by the Armijo fraction is taken (the
    /// rents stay there and <paramref name="merit"/> is updated); false when none does, the rents then at the last trial.
    /// </summary>
    private bool LineSearch(int y, double tau, Action<double> moveTo, ref double merit)
    {
        for (var s = 1.0; s > 1e-10; s *= 0.5)
        {
            moveTo(s);
            var candidate = Evaluate(y, tau);
            if (candidate <= (1 - 1e-4 * s) * merit)
            {
                merit = candidate;
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// One Gauss-Seidel sweep: for each constraint off its complementarity, the rent that makes it hold with the others fixed, by
    /// bisection (its load is monotone in its own rent). Counts as one iteration per constraint solved. <paramref name="before"/> is the
    /// largest residual at the rents the sweep starts from.
    /// </summary>
    private double Sweep(int y, double tau, double tolerance, ref int iterations, out double before)
    {
        var merit = Evaluate(y, tau);
        before = MaxResidual();
        foreach (var network in run.Networks)
        {
            foreach (var constraint in network.Constraints)
            {
                if (Math.Abs(Residual(constraint)) <= tolerance)
                {
                    continue;
                }
                iterations++;
                var previousRent = constraint.Rent;
                constraint.Rent = 0;
                merit = Evaluate(y, tau);
                if (constraint.Load <= constraint.Capacity)
                {
                    continue;
                }
                // Bracket: double the rent until the load fits (scarce enough supply may need rents far above any cost), then bisect.
                double low = 0, high = Math.Max(previousRent, tau);
                for (var i = 0; i < 80; i++)
                {
                    constraint.Rent = high;
                    Evaluate(y, tau);
                    if (constraint.Load <= constraint.Capacity)
                    {
                        break;
                    }
                    low = high;
                    high *= 2;
                }
                for (var i = 0; i < 60 && high - low > 1e-9 * Math.Max(1, high); i++)
                {
                    constraint.Rent = 0.5 * (low + high);
                    Evaluate(y, tau);
                    if (constraint.Load > constraint.Capacity)
                    {
                        low = constraint.Rent;
                    }
                    else
                    {
                        high = constraint.Rent;
                    }
                }
                constraint.Rent = high;
                merit = Evaluate(y, tau);
            }
        }
        return merit;
    }

    /// <summary>Route choice, prices, demand and loads at the current rents; returns the merit (sum of squared residuals).</summary>
    public double Evaluate(int y, double tau)
    {
        foreach (var network in run.Networks)
        {
            foreach (var cell in network.Cells)
            {
                if (cell.OnSale)
                {
                    RouteChoice.Evaluate(cell, network.Constraints, tau);
                }
            }
        }
        foreach (var market in run.Markets)
        {
            PriceRule.BrandPrices(market);
            PriceRule.CompetitorPrices(run, market, y);
            ConsumerPrices.Compute(run, market, y);
            NestedLogit.Demand(market, y, _c);
        }
        foreach (var network in run.Networks)
        {
            foreach (var constraint in network.Constraints)
            {
                constraint.Load = 0;
            }
            foreach (var cell in network.Cells)
            {
                if (!cell.OnSale || cell.Demand <= 0)
                {
                    continue;
                }
                for (var r = 0; r < cell.Plants.Length; r++)
                {
                    foreach (var (t, coefficient) in cell.Terms[r])
                    {
                        network.Constraints[t].Load += coefficient * cell.Share[r] * cell.Demand;
                    }
                }
            }
        }
        return Merit();
    }

    /// <summary>The merit of the current loads and rents: the sum of squared (scaled) complementarity residuals.</summary>
    private double Merit()
    {
        var merit = 0.0;
        foreach (var network in run.Networks)
        {
            foreach (var constraint in network.Constraints)
            {
                var r = Residual(constraint);
                merit += r * r;
            }
        }
        return merit;
    }

    /// <summary>Complementarity residual: zero when the rent is zero with spare capacity, or the constraint is tight with a rent.</summary>
    private static double Residual(SupplyConstraint constraint) =>
        Math.Min(constraint.Rent / ModelConstants.RentScaleUsd, (constraint.Capacity - constraint.Load) / constraint.Scale);

    private double MaxResidual()
    {
        var max = 0.0;
        foreach (var network in run.Networks)
        {
            foreach (var constraint in network.Constraints)
            {
                max = Math.Max(max, Math.Abs(Residual(constraint)));
            }
        }
        return max;
    }

    /// <summary>Measures each constraint's residual against its capacity or the demand that can load it (fixed for the year).</summary>
    private void SetScales()
    {
        foreach (var network in run.Networks)
        {
            var potential = new double[network.Constraints.Count];
            foreach (var cell in network.Cells)
            {
                if (!cell.OnSale)
                {
                    continue;
                }
                for (var r = 0; r < cell.Plants.Length; r++)
                {
                    foreach (var (t, coefficient) in cell.Terms[r])
                    {
                        potential[t] += Math.Abs(coefficient) * cell.Demand;
                    }
                }
            }
            for (var t = 0; t < potential.Length; t++)
            {
                var constraint = network.Constraints[t];
                // Quantities clear at whatever rent it takes (a cap on rents would ration, and rationing can turn a tariff into a gain);
                // what buyers are charged is capped after the solve (CapPrices).
                constraint.Scale = Math.Max(1, Math.Max(Math.Abs(constraint.Capacity), potential[t]));
            }
        }
    }

    /// <summary>
    /// The semismooth Newton step of one brand's rents under the analytic response of its own route shares and demand.
    /// </summary>
    private void NewtonStep(SupplyNetwork network, double tau, double[] step)
    {
        Array.Clear(step);
        if (network.Constraints.Count == 0)
        {
            return;
        }
        ActiveSetStep(network.Constraints, Jacobian(network, tau), step, logOverloadedRows: false);
    }

    /// <summary>
    /// The semismooth Newton step under a Jacobian J = d load / d rent: rows whose rent should be zero move it to zero, the others make
    /// the load meet the capacity under the linearised response, or, with <paramref name="logOverloadedRows"/>, an overloaded
    /// constraint's log(load) meet log(capacity).
    /// </summary>
    private static void ActiveSetStep(IReadOnlyList<SupplyConstraint> constraints, double[,] jacobian, double[] step, bool logOverloadedRows)
    {
        var n = constraints.Count;
        Array.Clear(step);
        var fixedRow = new bool[n];
        var free = new List<int>(n);
        for (var t = 0; t < n; t++)
        {
            var constraint = constraints[t];
            if (constraint.Rent / ModelConstants.RentScaleUsd <= (constraint.Capacity - constraint.Load) / constraint.Scale)
            {
                fixedRow[t] = true;
                step[t] = -constraint.Rent;
            }
            else
            {
                free.Add(t);
            }
        }
        if (free.Count == 0)
        {
            return;
        }
        var a = new double[free.Count, free.Count];
        var b = new double[free.Count];
        for (var i = 0; i < free.Count; i++)
        {
            var t = free[i];
            var constraint = constraints[t];
            var logRow = logOverloadedRows && constraint.Capacity > 0 && constraint.Load > constraint.Capacity;
            var weight = logRow ? 1 / constraint.Load : 1;
            b[i] = logRow ? Math.Log(constraint.Capacity / constraint.Load) : constraint.Capacity - constraint.Load;
            for (var u = 0; u < n; u++)
            {
                if (fixedRow[u])
                {
                    b[i] -= weight * jacobian[t, u] * step[u];
                }
            }
            for (var j = 0; j < free.Count; j++)
            {
                a[i, j] = weight * jacobian[t, free[j]];
            }
            // Loads fall as rents rise; a constraint whose routes do not respond yet still gets a finite (line-searched) step.
            a[i, i] -= weight * constraint.Scale * 1e-7;
        }
        var x = DenseSolve.Solve(a, b);
        for (var i = 0; i < free.Count; i++)
        {
            step[free[i]] = double.IsFinite(x[i]) ? x[i] : 0;
        }
    }

    /// <summary>d load(t) / d rent(u) for one brand: the shift between its routes (smoothed choice) and its own demand's response.</summary>
    private double[,] Jacobian(SupplyNetwork network, double tau)
    {
        var n = network.Constraints.Count;
        var jacobian = new double[n, n];
        var mean = new double[n];       // Σ_r a'(r,u) w_r: d opportunity cost / d rent(u)
        var load = new double[n];       // Σ_r a(r,t) w_r
        var demandSlope = new double[n];
        var rows = new int[n];
        var columns = new int[n];
        var brand = network.Brand;
        foreach (var cell in network.Cells)
        {
            if (!cell.OnSale || cell.Demand <= 0)
            {
                continue;
            }
            Array.Clear(mean);
            Array.Clear(load);
            for (var r = 0; r < cell.Plants.Length; r++)
            {
                var w = cell.Share[r];
                if (w <= 0)
                {
                    continue;
                }
                var responsive = cell.FollowsRents[r];
                foreach (var (t, coefficient) in cell.Terms[r])
                {
                    load[t] += coefficient * w;
                    if (responsive)
                    {
                        mean[t] += coefficient * w;
                    }
                }
                if (!responsive)
                {
                    continue;
                }
                // Shift between routes: −(D/τ) Σ_r w_r a(r,t) a(r,u) ...
                foreach (var (t, ct) in cell.Terms[r])
                {
                    foreach (var (u, cu) in cell.Terms[r])
                    {
                        jacobian[t, u] -= cell.Demand / tau * w * ct * cu;
                    }
                }
            }
            // ... + (D/τ) load(t) mean(u), over the few rents the cell's routes draw on (adding the zeros would change nothing).
            var loaded = NonZero(load, rows);
            var meanTerms = NonZero(mean, columns);
            foreach (var t in loaded)
            {
                foreach (var u in meanTerms)
                {
                    jacobian[t, u] += cell.Demand / tau * load[t] * mean[u];
                }
            }

            // Demand response: the brand's offers in this market move together through the nested logit.
            Array.Clear(demandSlope);
            var market = run.Markets[cell.Market];
            for (var k = 0; k < Powertrains.Count; k++)
            {
                if (market.Cells[brand, k] is not { OnSale: true } other || other.Demand <= 0)
                {
                    continue;
                }
                var price = Math.Max(market.ConsumerPrice[brand, k], 1);
                var dUtility = _c.Alpha[k] / price * market.PriceFactor[brand, k] * other.PriceSlope;
                var dDemand = NestedLogit.OwnDerivative(market, brand, cell.K, k, _c.Lambda) * dUtility;
                if (dDemand == 0)
                {
                    continue;
                }
                for (var r = 0; r < other.Plants.Length; r++)
                {
                    if (other.Share[r] <= 0 || !other.FollowsRents[r])
                    {
                        continue;
                    }
                    foreach (var (u, cu) in other.Terms[r])
                    {
                        demandSlope[u] += dDemand * other.Share[r] * cu;
                    }
                }
            }
            var slopes = NonZero(demandSlope, columns);
            foreach (var t in loaded)
            {
                foreach (var u in slopes)
                {
                    jacobian[t, u] += load[t] * demandSlope[u];
                }
            }
        }
        return jacobian;
    }

    /// <summary>The indices of the non-zero entries of <paramref name="values"/>, in order, written into <paramref name="into"/>.</summary>
    private static ReadOnlySpan<int> NonZero(double[] values, int[] into)
    {
        var count = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] != 0)
            {
                into[count++] = i;
            }
        }
        return into.AsSpan(0, count);
    }

    /// <summary>
    /// Allocates each brand's demand at the equilibrium prices with the exact allocator (section 6.2), starting from the equilibrium's
    /// rents; a route under a minimum import price the cell's price does not cover carries nothing.
    /// </summary>
    public void Allocate()
    {
        foreach (var network in run.Networks)
        {
            // A route under a minimum import price carries cars only if the cell's price covers it. The opportunity cost is a soft
            // minimum, up to τ · ln(routes + 1) below the least effective cost, so the check allows that much.
            var smoothing = ModelConstants.SmoothingStagesUsd[^1];
            bool Usable(RouteCell cell, int r) => cell.RequiredCost[r] <= cell.Opportunity + smoothing * Math.Log(cell.Plants.Length + 1) + 1e-6;
            var problem = network.ToProblem(
                cell => cell.Demand,
                cell => run.Markets[cell.Market].NetPrice[cell.Brand, cell.K] * (1 - _c.Distribution),
                Usable);
            var start = network.Constraints.Select(c => c.Rent).ToArray();
            var result = RouteAllocator.Solve(problem, ModelConstants.SmoothingStagesUsd[^1], start);
            if (!result.Converged)
            {
                // The warm start can sit in a flat corner of the dual: start again from the top of the smoothing schedule.
                result = RouteAllocator.Solve(problem);
            }
            if (result.Converged)
            {
                network.Apply(result, Usable);
                continue;
            }
            // The exact allocator stopped short (it can, with offset rules and idle plants): keep the equilibrium's own route split,
            // which meets every constraint and is within the last smoothing temperature of the optimum.
            foreach (var cell in network.Cells)
            {
                cell.ClearUnits();
                for (var r = 0; r < cell.Plants.Length; r++)
                {
                    cell.Units[r] = cell.OnSale ? cell.Share[r] * cell.Demand : 0;
                }
            }
        }
    }

    /// <summary>
    /// Scarcity cap (section 6.3): quantities clear at the equilibrium price whatever rent that takes, but buyers are charged at most the
    /// price a rent of supply.maxScarcityRent of the reference revenue per car gives; those who would buy at the charged price beyond
    /// what is sold queue (reported as unmet; they are already counted with the cars they bought instead). Quantities never depend on
    /// the cap, so it cannot turn a tariff or a plant into a gain.
    /// </summary>
    public void CapPrices(int y)
    {
        foreach (var cell in run.AllCells)
        {
            if (cell.OnSale)
            {
                RouteChoice.FreeOpportunity(cell, ModelConstants.SmoothingStagesUsd[^1]);
            }
        }
        foreach (var market in run.Markets)
        {
            for (var b = 0; b < run.Brands; b++)
            {
                for (var k = 0; k < Powertrains.Count; k++)
                {
                    if (market.Cells[b, k] is not { OnSale: true } cell)
                    {
                        continue;
                    }
                    var maxRent = _c.MaxScarcityRent * market.ReferencePrice[b, k] * (1 - _c.Distribution);
                    if (cell.Opportunity - cell.OpportunityFree <= maxRent)
                    {
                        continue;
                    }
                    var cap = cell.PriceAt(cell.OpportunityFree + maxRent);
                    if (cap >= market.NetPrice[b, k])
                    {
                        continue;
                    }
                    var clearing = market.ConsumerPrice[b, k];
                    market.NetPrice[b, k] = cap;
                    ConsumerPrices.Compute(run, market, y);
                    var charged = market.ConsumerPrice[b, k];
                    // Within-nest response of the brand's demand to its own price: D ∝ P^(α/λ).
                    cell.Queued = cell.Supplied * (Math.Pow(Math.Max(charged, 1) / Math.Max(clearing, 1), _c.Alpha[k] / _c.Lambda) - 1);
                    cell.CappedRent = maxRent;
                }
            }
        }
    }
}
