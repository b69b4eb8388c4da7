namespace NevGrains.Model.Engine.Supply;

/// <summary>
/// One brand's supply in one year with demand held fixed (docs/model.md, section 6.2): cells (a market and powertrain)
/// with the units demanded and what a unit brings before its landed cost; routes (a plant serving a cell) with their
/// landed cost; linear constraints <c>Σ coefficient · units(route) ≤ capacity</c> for plant capacities, export-licence
/// caps and offset rules (imports · ratio − local output ≤ 0).
/// The allocation maximises gross margin <c>Σ (revenue(cell) − cost(route)) · units(route)</c> subject to the constraints
/// and <c>Σ units over a cell's routes ≤ demand(cell)</c>.
/// </summary>
internal sealed class AllocationProblem
{
    private readonly List<int> _routeCell = [];
    private readonly List<double> _routeCost = [];
    private readonly List<List<(int Constraint, double Coefficient)>> _routeTerms = [];
    private readonly List<double> _capacity = [];
    private readonly List<double> _demand = [];
    private readonly List<double> _revenue = [];
    private bool _frozen;

    public int Cells => _demand.Count;
    public int Routes => _routeCell.Count;
    public int Constraints => _capacity.Count;

    public double[] CellDemand { get; private set; } = [];
    public double[] CellRevenue { get; private set; } = [];
    public int[] RouteCell { get; private set; } = [];
    public double[] RouteCost { get; private set; } = [];
    public double[] Capacity { get; private set; } = [];

    /// <summary>Per route: the first of its terms in <see cref="TermConstraint"/>; the route's terms end where the next route's begin.</summary>
    public int[] TermStart { get; private set; } = [];
    public int[] TermConstraint { get; private set; } = [];
    public double[] TermCoefficient { get; private set; } = [];

    /// <summary>Per cell: the first of its routes; routes of a cell are added together.</summary>
    public int[] CellRouteStart { get; private set; } = [];

    public int AddCell(double demand, double revenue)
    {
        EnsureOpen();
        if (_routeCell.Count > 0 && _routeCell[^1] != _demand.Count - 1)
        {
            throw new InvalidOperationException("add a cell's routes right after the cell");
        }
        _demand.Add(demand);
        _revenue.Add(revenue);
        return _demand.Count - 1;
    }

    public int AddConstraint(double capacity)
    {
        EnsureOpen();
        _capacity.Add(capacity);
        return _capacity.Count - 1;
    }

    /// <summary>Adds a route to the last cell added.</summary>
    public int AddRoute(double cost, params ReadOnlySpan<(int Constraint, double Coefficient)> terms)
    {
        EnsureOpen();
        if (_demand.Count == 0)
        {
            throw new InvalidOperationException("add a cell before its routes");
        }
        _routeCell.Add(_demand.Count - 1);
        _routeCost.Add(cost);
        _routeTerms.Add([.. terms.ToArray()]);
        return _routeCell.Count - 1;
    }

    /// <summary>Freezes the problem into flat arrays (the solver's layout).</summary>
    public AllocationProblem Freeze()
    {
        if (_frozen)
        {
            return this;
        }
        _frozen = true;
        CellDemand = [.. _demand];
        CellRevenue = [.. _revenue];
        RouteCell = [.. _routeCell];
        RouteCost = [.. _routeCost];
        Capacity = [.. _capacity];
        TermStart = new int[Routes + 1];
        var constraints = new List<int>();
        var coefficients = new List<double>();
        for (var r = 0; r < Routes; r++)
        {
            TermStart[r] = constraints.Count;
            foreach (var (constraint, coefficient) in _routeTerms[r])
            {
                if (constraint < 0 || constraint >= Constraints)
                {
                    throw new ArgumentOutOfRangeException(nameof(constraint), constraint, "unknown constraint");
                }
                constraints.Add(constraint);
                coefficients.Add(coefficient);
            }
        }
        TermStart[Routes] = constraints.Count;
        TermConstraint = [.. constraints];
        TermCoefficient = [.. coefficients];
        CellRouteStart = new int[Cells + 1];
        var route = 0;
        for (var c = 0; c < Cells; c++)
        {
            CellRouteStart[c] = route;
            while (route < Routes && RouteCell[route] == c)
            {
                route++;
            }
        }
        CellRouteStart[Cells] = Routes;
        return this;
    }

    private void EnsureOpen()
    {
        if (_frozen)
        {
            throw new InvalidOperationException("the problem is frozen");
        }
    }
}

/// <summary>
/// What the allocator found: units per route, demand left unserved per cell, the shadow price of each constraint
/// (USD per unit of capacity: what one more unit of it would add to gross margin) and the gross margin.
/// </summary>
internal sealed record AllocationResult(double[] RouteUnits, double[] Unserved, double[] ShadowPrices, double GrossMargin, int Iterations, bool Converged);
