namespace NevGrains.Model.Engine.Supply;

/// <summary>
/// The margin-maximising allocation of a brand's demand to plants and routes (docs/model.md, section 6.2), solved in its
/// dual: one shadow price per constraint. Given shadow prices, each cell sends its demand to the routes of least
/// <c>cost + Σ coefficient · shadow price</c>, or leaves it unserved when that exceeds its revenue; the shadow prices are
/// the ones at which those choices respect every constraint.
/// The route choice is smoothed with an entropy term of temperature τ (USD per car), which makes the optimum unique (ties are
/// split evenly, whatever the order of cells, routes or constraints) and the dual smooth and concave, so a projected
/// Newton ascent with a line search converges; τ falls in stages to <see cref="FinalSmoothingUsd"/>, where the gross margin is
/// within τ · ln(routes per cell) per car of the exact linear programme's.
/// </summary>
internal static class RouteAllocator
{
    /// <summary>Temperature of the last stage (USD per car): the allocation is the linear optimum to well within 1e-6 of its margin.</summary>
    public const double FinalSmoothingUsd = 1e-3;

    /// <summary>Each stage divides the temperature by this.</summary>
    private const double StageFactor = 4;

    private const int MaxIterationsPerStage = 400;

    /// <summary>
    /// An intermediate stage only warms the next one up, so it stops here: where the line search stalls at a kink of a smoothed dual
    /// (sweep after sweep), the next, sharper stage converges from where it stopped while running on would cost hundreds of sweeps.
    /// </summary>
    private const int MaxIterationsPerIntermediateStage = 40;

    /// <summary>
    /// Relative residual of the last stage (load against capacity, scaled by the constraint's size). At ties the load moves by
    /// demand / τ per dollar of shadow price, so doubles resolve it to about 1e-9 at the last temperature: the tolerance sits above that.
    /// </summary>
    private const double Tolerance = 1e-8;

    private const double IntermediateTolerance = 1e-6;

    /// <summary>Relative change of the dual's value below which doubles do not resolve it (about 500 ulps).</summary>
    private const double ValuePrecision = 1e-13;

    /// <param name="startSmoothingUsd">Temperature of the first stage; a warm start from nearby shadow prices can begin low.</param>
    /// <param name="start">Shadow prices to start from (e.g. the equilibrium's rents); zero by default.</param>
    public static AllocationResult Solve(AllocationProblem problem, double startSmoothingUsd = 0, double[]? start = null)
    {
        problem.Freeze();
        var n = problem.Constraints;
        var mu = new double[n];
        if (start is not null)
        {
            for (var t = 0; t < n; t++)
            {
                mu[t] = Math.Max(0, start[t]);
            }
        }
        var scale = ConstraintScale(problem);
        var tau = startSmoothingUsd > 0 ? startSmoothingUsd : DefaultStart(problem);
        var workspace = new Workspace(problem);
        if (mu.All(m => m == 0))
        {
            // Often nothing binds: every cell's best choice fits every constraint, and that is the optimum (all prices zero).
            workspace.Evaluate(mu, FinalSmoothingUsd, withHessian: false);
            if (workspace.Harden(mu, scale))
            {
                return Result(problem, workspace, mu, 0, true);
            }
        }
        // Some constraint is priced from here on (with none, the shortcut above has returned).
        var iterations = 0;
        bool converged;
        while (true)
        {
            var last = tau <= FinalSmoothingUsd * 1.0000001;
            var (stageIterations, stageConverged) = Ascend(problem, workspace, mu, scale, tau, last ? Tolerance : IntermediateTolerance,
                last ? MaxIterationsPerStage : MaxIterationsPerIntermediateStage);
            iterations += stageIterations;
            if (last)
            {
                converged = stageConverged;
                break;
            }
            tau = Math.Max(FinalSmoothingUsd, tau / StageFactor);
        }

        workspace.Evaluate(mu, tau, withHessian: false);
        if (!workspace.Harden(mu, scale))
        {
            // Exact routing of the unpriced cells would overload a constraint that is slack only thanks to smoothing: keep the smooth split.
            workspace.Evaluate(mu, tau, withHessian: false);
        }
        return Result(problem, workspace, mu, iterations, converged);
    }

    private static AllocationResult Result(AllocationProblem problem, Workspace workspace, double[] mu, int iterations, bool converged)
    {
        var units = new double[problem.Routes];
        var unserved = new double[problem.Cells];
        double margin = 0;
        for (var c = 0; c < problem.Cells; c++)
        {
            var demand = problem.CellDemand[c];
            unserved[c] = demand * workspace.UnservedShare[c];
            for (var r = problem.CellRouteStart[c]; r < problem.CellRouteStart[c + 1]; r++)
            {
                units[r] = demand * workspace.Share[r];
                margin += units[r] * (problem.CellRevenue[c] - problem.RouteCost[r]);
            }
        }
        return new AllocationResult(units, unserved, mu, margin, iterations, converged);
    }

    /// <summary>A first temperature of the order of the spread of costs, where the dual is nearly quadratic.</summary>
    private static double DefaultStart(AllocationProblem problem)
    {
        double spread = 1;
        for (var c = 0; c < problem.Cells; c++)
        {
            for (var r = problem.CellRouteStart[c]; r < problem.CellRouteStart[c + 1]; r++)
            {
                spread = Math.Max(spread, Math.Abs(problem.CellRevenue[c] - problem.RouteCost[r]));
            }
        }
        return Math.Pow(StageFactor, Math.Ceiling(Math.Log10(spread / 10)));
    }

    /// <summary>Per constraint, the size its residual is measured against: its capacity or the demand that could load it.</summary>
    private static double[] ConstraintScale(AllocationProblem problem)
    {
        var scale = new double[problem.Constraints];
        for (var t = 0; t < scale.Length; t++)
        {
            scale[t] = Math.Abs(problem.Capacity[t]);
        }
        for (var r = 0; r < problem.Routes; r++)
        {
            var demand = problem.CellDemand[problem.RouteCell[r]];
            for (var i = problem.TermStart[r]; i < problem.TermStart[r + 1]; i++)
            {
                scale[problem.TermConstraint[i]] = Math.Max(scale[problem.TermConstraint[i]], Math.Abs(problem.TermCoefficient[i]) * demand);
            }
        }
        for (var t = 0; t < scale.Length; t++)
        {
            scale[t] = Math.Max(scale[t], 1);
        }
        return scale;
    }

    /// <summary>
    /// Projected Newton ascent on the concave dual at one temperature, inside the box [0, bound] that holds every optimal price. When the
    /// line search finds no ascent (a near-singular Hessian: a priced-out cell, constraints on the same routes), a sweep of exact
    /// one-dimensional maximisations (the dual's slope in one price is that constraint's load less its capacity, falling as the price
    /// rises) makes progress, and Newton resumes.
    /// </summary>
    private static (int Iterations, bool Converged) Ascend(AllocationProblem problem, Workspace ws, double[] mu, double[] scale, double tau, double tolerance,
        int maxIterations)
    {
        var n = problem.Constraints;
        var trial = new double[n];
        var step = new double[n];
        var free = new bool[n];
        var trialFree = new bool[n];
        var bound = Bound(problem);
        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            var value = ws.Evaluate(mu, tau, withHessian: true);
            var residual = Residual(ws, mu, scale, free);
            if (residual <= tolerance)
            {
                return (iteration, true);
            }
            NewtonStep(ws, free, step, mu, bound);
            var accepted = false;
            for (var s = 1.0; s > 1e-9; s *= 0.5)
            {
                double ascent = 0;
                for (var t = 0; t < n; t++)
                {
                    trial[t] = free[t] ? Math.Clamp(mu[t] + s * step[t], 0, bound[t]) : mu[t];
                    ascent += ws.Gradient[t] * (trial[t] - mu[t]);
                }
                if (ascent <= 0)
                {
                    continue;
                }
                if (ascent < ValuePrecision * Math.Abs(value))
                {
                    // Near the optimum at a low temperature the ascent is below what the dual's value resolves in doubles, so comparing
                    // values is noise: accept the step if it brings the loads nearer their capacities instead. (The sweep, if it is
                    // refused, evaluates afresh at the current prices.)
                    ws.Evaluate(trial, tau, withHessian: false);
                    accepted = Residual(ws, trial, scale, trialFree) < residual;
                    break;
                }
                if (ws.Value(trial, tau) >= value + 1e-4 * ascent)
                {
                    accepted = true;
                    break;
                }
            }
            if (accepted)
            {
                Array.Copy(trial, mu, n);
            }
            else
            {
                Sweep(ws, mu, scale, bound, tau, tolerance);
            }
        }
        ws.Evaluate(mu, tau, withHessian: false);
        return (maxIterations, Residual(ws, mu, scale, free) <= tolerance);
    }

    /// <summary>Largest relative KKT residual: a price above zero needs load = capacity, a zero price needs load ≤ capacity.</summary>
    private static double Residual(Workspace ws, double[] mu, double[] scale, bool[] free)
    {
        var residual = 0.0;
        for (var t = 0; t < mu.Length; t++)
        {
            var g = ws.Gradient[t];
            free[t] = mu[t] > 0 || g > 0;
            residual = Math.Max(residual, (free[t] ? Math.Abs(g) : 0) / scale[t]);
        }
        return residual;
    }

    /// <summary>
    /// Per constraint, a price no optimum exceeds: one more unit of capacity is worth at most the largest margin a route can earn, over
    /// the smallest coefficient by which a route draws on it (generous; it only keeps steps finite).
    /// </summary>
    private static double[] Bound(AllocationProblem problem)
    {
        double spread = 1;
        for (var c = 0; c < problem.Cells; c++)
        {
            for (var r = problem.CellRouteStart[c]; r < problem.CellRouteStart[c + 1]; r++)
            {
                spread = Math.Max(spread, Math.Abs(problem.CellRevenue[c]) + Math.Abs(problem.RouteCost[r]));
            }
        }
        var smallest = new double[problem.Constraints];
        Array.Fill(smallest, double.PositiveInfinity);
        var largestNegative = 0.0;
        for (var i = 0; i < problem.TermCoefficient.Length; i++)
        {
            var coefficient = problem.TermCoefficient[i];
            if (coefficient > 0)
            {
                smallest[problem.TermConstraint[i]] = Math.Min(smallest[problem.TermConstraint[i]], coefficient);
            }
            else
            {
                largestNegative = Math.Max(largestNegative, -coefficient);
            }
        }
        var bound = new double[problem.Constraints];
        for (var t = 0; t < bound.Length; t++)
        {
            // Negative coefficients (offset credits) let one price offset another: widen by their size.
            bound[t] = 4 * spread * (1 + largestNegative) / (double.IsPositiveInfinity(smallest[t]) ? 1e-3 : smallest[t]);
        }
        return bound;
    }

    /// <summary>
    /// One Gauss-Seidel sweep of exact one-dimensional maximisations of the dual. A price's slope (its load less its capacity) falls
    /// as the price rises, so its root is bracketed by zero and the current price or the bound, and found by false position with
    /// the Illinois rule (superlinear: about ten evaluations where bisection over the bound took fifty or more).
    /// </summary>
    private static void Sweep(Workspace ws, double[] mu, double[] scale, double[] bound, double tau, double tolerance)
    {
        for (var t = 0; t < mu.Length; t++)
        {
            ws.Evaluate(mu, tau, withHessian: false);
            var current = mu[t];
            var gCurrent = ws.Gradient[t];
            if ((current > 0 ? Math.Abs(gCurrent) : Math.Max(0, gCurrent)) / scale[t] <= tolerance)
            {
                continue;
            }
            mu[t] = 0;
            ws.Evaluate(mu, tau, withHessian: false);
            var gLow = ws.Gradient[t];
            if (gLow <= 0)
            {
                continue;
            }
            double low = 0, high, gHigh;
            if (current > 0 && gCurrent <= 0)
            {
                (high, gHigh) = (current, gCurrent);
            }
            else
            {
                if (current > 0)
                {
                    (low, gLow) = (current, gCurrent);
                }
                high = bound[t];
                mu[t] = high;
                ws.Evaluate(mu, tau, withHessian: false);
                gHigh = ws.Gradient[t];
                if (gHigh > 0)
                {
                    continue; // no optimum prices it above the bound: stay there
                }
            }
            var kept = 0; // > 0: the low end was kept that many times in a row; < 0: the high end
            for (var i = 0; i < 200 && high - low > 1e-13 * Math.Max(1, high); i++)
            {
                var x = low + gLow * (high - low) / (gLow - gHigh);
                mu[t] = x > low && x < high ? x : 0.5 * (low + high);
                ws.Evaluate(mu, tau, withHessian: false);
                var g = ws.Gradient[t];
                if (g > 0)
                {
                    (low, gLow) = (mu[t], g);
                    kept = kept < 0 ? kept - 1 : -1;
                    if (kept <= -2)
                    {
                        gHigh /= 2;
                    }
                }
                else
                {
                    (high, gHigh) = (mu[t], g);
                    kept = kept > 0 ? kept + 1 : 1;
                    if (kept >= 2)
                    {
                        gLow /= 2;
                    }
                }
            }
            mu[t] = 0.5 * (low + high);
        }
    }

    /// <summary>Solves (−H + ηI) Δ = ∇ on the free prices, with a small relative Levenberg term for directions without curvature.</summary>
    private static void NewtonStep(Workspace ws, bool[] free, double[] step, double[] mu, double[] bound)
    {
        Array.Clear(step);
        var index = Enumerable.Range(0, free.Length).Where(t => free[t]).ToArray();
        if (index.Length == 0)
        {
            return;
        }
        var a = new double[index.Length, index.Length];
        var b = new double[index.Length];
        var largest = 0.0;
        for (var i = 0; i < index.Length; i++)
        {
            largest = Math.Max(largest, -ws.Hessian[index[i], index[i]]);
        }
        var eta = Math.Max(1e-7 * largest, 1e-300);
        for (var i = 0; i < index.Length; i++)
        {
            for (var j = 0; j < index.Length; j++)
            {
                a[i, j] = -ws.Hessian[index[i], index[j]];
            }
            a[i, i] += eta;
            b[i] = ws.Gradient[index[i]];
        }
        var x = DenseSolve.Solve(a, b);
        for (var i = 0; i < index.Length; i++)
        {
            var t = index[i];
            step[t] = double.IsFinite(x[i]) ? Math.Clamp(x[i], -mu[t], bound[t] - mu[t]) : 0;
        }
    }

    /// <summary>Shares, dual value, gradient and Hessian of the smoothed dual at given prices.</summary>
    private sealed class Workspace(AllocationProblem problem)
    {
        private readonly double[] _cost = new double[problem.Routes];
        public double[] Share { get; } = new double[problem.Routes];
        public double[] UnservedShare { get; } = new double[problem.Cells];
        public double[] Gradient { get; } = new double[problem.Constraints];
        public double[,] Hessian { get; } = new double[problem.Constraints, problem.Constraints];
        private readonly double[] _mean = new double[problem.Constraints];
        private readonly List<int> _touched = [];
        private readonly bool[] _isTouched = new bool[problem.Constraints];

        /// <summary>The dual: Σ demand · softmin(route costs + prices, revenue) − Σ capacity · price.</summary>
        public double Value(double[] mu, double tau)
        {
            double value = 0;
            for (var c = 0; c < problem.Cells; c++)
            {
                if (problem.CellDemand[c] > 0)
                {
                    value += problem.CellDemand[c] * Softmin(c, mu, tau, withShares: false);
                }
            }
            for (var t = 0; t < problem.Constraints; t++)
            {
                value -= problem.Capacity[t] * mu[t];
            }
            return value;
        }

        /// <summary>A cell's soft minimum over its routes' effective costs and "unserved" (its revenue); optionally its shares.</summary>
        private double Softmin(int c, double[] mu, double tau, bool withShares)
        {
            var start = problem.CellRouteStart[c];
            var end = problem.CellRouteStart[c + 1];
            var min = problem.CellRevenue[c];
            for (var r = start; r < end; r++)
            {
                _cost[r] = EffectiveCost(r, mu);
                min = Math.Min(min, _cost[r]);
            }
            var unserved = SoftminWeight.Exp(-(problem.CellRevenue[c] - min) / tau);
            var sum = unserved;
            for (var r = start; r < end; r++)
            {
                var weight = SoftminWeight.Exp(-(_cost[r] - min) / tau);
                sum += weight;
                if (withShares)
                {
                    Share[r] = weight;
                }
            }
            if (withShares)
            {
                UnservedShare[c] = unserved / sum;
                for (var r = start; r < end; r++)
                {
                    Share[r] /= sum;
                }
            }
            return min - tau * SoftminWeight.Log(sum);
        }

        public double Evaluate(double[] mu, double tau, bool withHessian)
        {
            var n = problem.Constraints;
            for (var t = 0; t < n; t++)
            {
                Gradient[t] = -problem.Capacity[t];
            }
            if (withHessian)
            {
                Array.Clear(Hessian);
            }
            double value = 0;
            for (var c = 0; c < problem.Cells; c++)
            {
                var demand = problem.CellDemand[c];
                var start = problem.CellRouteStart[c];
                var end = problem.CellRouteStart[c + 1];
                var softmin = Softmin(c, mu, tau, withShares: true);
                if (demand <= 0)
                {
                    continue;
                }
                value += demand * softmin;

                // Loads and, for the Hessian, the covariance of the constraint coefficients under the cell's shares.
                _touched.Clear();
                for (var r = start; r < end; r++)
                {
                    for (var i = problem.TermStart[r]; i < problem.TermStart[r + 1]; i++)
                    {
                        var t = problem.TermConstraint[i];
                        var weighted = Share[r] * problem.TermCoefficient[i];
                        Gradient[t] += demand * weighted;
                        if (!withHessian)
                        {
                            continue;
                        }
                        if (!_isTouched[t])
                        {
                            _isTouched[t] = true;
                            _touched.Add(t);
                            _mean[t] = 0;
                        }
                        _mean[t] += weighted;
                    }
                }
                if (!withHessian)
                {
                    continue;
                }
                var factor = demand / tau;
                for (var r = start; r < end; r++)
                {
                    for (var i = problem.TermStart[r]; i < problem.TermStart[r + 1]; i++)
                    {
                        for (var j = problem.TermStart[r]; j < problem.TermStart[r + 1]; j++)
                        {
                            Hessian[problem.TermConstraint[i], problem.TermConstraint[j]] -=
                                factor * Share[r] * problem.TermCoefficient[i] * problem.TermCoefficient[j];
                        }
                    }
                }
                foreach (var t in _touched)
                {
                    foreach (var u in _touched)
                    {
                        Hessian[t, u] += factor * _mean[t] * _mean[u];
                    }
                }
                foreach (var t in _touched)
                {
                    _isTouched[t] = false;
                }
            }
            for (var t = 0; t < n; t++)
            {
                value -= problem.Capacity[t] * mu[t];
            }
            return value;
        }

        /// <summary>
        /// Cells none of whose routes draws on a priced constraint need no smoothing: their demand goes exactly to the cheapest of their
        /// routes and "unserved" (ties split evenly), as in the linear programme.
        /// </summary>
        public bool Harden(double[] mu, double[] scale)
        {
            for (var c = 0; c < problem.Cells; c++)
            {
                var start = problem.CellRouteStart[c];
                var end = problem.CellRouteStart[c + 1];
                var priced = false;
                for (var r = start; r < end && !priced; r++)
                {
                    for (var i = problem.TermStart[r]; i < problem.TermStart[r + 1]; i++)
                    {
                        priced |= mu[problem.TermConstraint[i]] > 0;
                    }
                }
                if (priced)
                {
                    continue;
                }
                var min = problem.CellRevenue[c];
                for (var r = start; r < end; r++)
                {
                    min = Math.Min(min, problem.RouteCost[r]);
                }
                var ties = problem.CellRevenue[c] <= min ? 1 : 0;
                for (var r = start; r < end; r++)
                {
                    ties += problem.RouteCost[r] <= min ? 1 : 0;
                }
                UnservedShare[c] = problem.CellRevenue[c] <= min ? 1.0 / ties : 0;
                for (var r = start; r < end; r++)
                {
                    Share[r] = problem.RouteCost[r] <= min ? 1.0 / ties : 0;
                }
            }
            var load = new double[problem.Constraints];
            for (var r = 0; r < problem.Routes; r++)
            {
                var units = problem.CellDemand[problem.RouteCell[r]] * Share[r];
                for (var i = problem.TermStart[r]; i < problem.TermStart[r + 1]; i++)
                {
                    load[problem.TermConstraint[i]] += problem.TermCoefficient[i] * units;
                }
            }
            for (var t = 0; t < load.Length; t++)
            {
                if (load[t] - problem.Capacity[t] > Tolerance * scale[t])
                {
                    return false;
                }
            }
            return true;
        }

        private double EffectiveCost(int route, double[] mu)
        {
            var cost = problem.RouteCost[route];
            for (var i = problem.TermStart[route]; i < problem.TermStart[route + 1]; i++)
            {
                cost += problem.TermCoefficient[i] * mu[problem.TermConstraint[i]];
            }
            return cost;
        }
    }
}

/// <summary>Gaussian elimination with partial pivoting for the small dense systems of the solvers (a handful of unknowns).</summary>
internal static class DenseSolve
{
    public static double[] Solve(double[,] a, double[] b)
    {
        var n = b.Length;
        var m = (double[,])a.Clone();
        var x = (double[])b.Clone();
        for (var col = 0; col < n; col++)
        {
            var pivot = col;
            for (var row = col + 1; row < n; row++)
            {
                if (Math.Abs(m[row, col]) > Math.Abs(m[pivot, col]))
                {
                    pivot = row;
                }
            }
            if (Math.Abs(m[pivot, col]) < 1e-300)
            {
                continue;
            }
            if (pivot != col)
            {
                for (var k = 0; k < n; k++)
                {
                    (m[col, k], m[pivot, k]) = (m[pivot, k], m[col, k]);
                }
                (x[col], x[pivot]) = (x[pivot], x[col]);
            }
            for (var row = col + 1; row < n; row++)
            {
                var f = m[row, col] / m[col, col];
                if (f == 0)
                {
                    continue;
                }
                for (var k = col; k < n; k++)
                {
                    m[row, k] -= f * m[col, k];
                }
                x[row] -= f * x[col];
            }
        }
        for (var col = n - 1; col >= 0; col--)
        {
            var sum = x[col];
            for (var k = col + 1; k < n; k++)
            {
                sum -= m[col, k] * x[k];
            }
            x[col] = Math.Abs(m[col, col]) < 1e-300 ? 0 : sum / m[col, col];
        }
        return x;
    }
}
