using NevGrains.Model.Engine.Supply;

namespace NevGrains.Model.Engine.Costs;

/// <summary>
/// Tariff quotas shared by every route that may use them (docs/model.md, section 5.3): each quota covers the share of eligible imports
/// its yearly amount allows, pro rata across brands; the rest pays the next rule of its group.
/// </summary>
internal sealed class QuotaLedger
{
    private readonly IReadOnlyList<QuotaInfo> _quotas;
    private readonly double[] _units;
    private readonly double[] _value;

    public QuotaLedger(IReadOnlyList<QuotaInfo> quotas)
    {
        _quotas = quotas;
        Fill = new double[quotas.Count];
        _units = new double[quotas.Count];
        _value = new double[quotas.Count];
        _lo = new Bound[quotas.Count];
        _hi = new Bound[quotas.Count];
        _kept = new int[quotas.Count];
        _targets = new double[quotas.Count];
        Array.Fill(Fill, 1.0);
    }

    /// <summary>A fill at which the fixed-point residual (target minus fill) was seen, with that residual.</summary>
    private record struct Bound(double Fill, double Residual, bool Known);

    // Per quota, the year's bracket of its fill: the residual is >= 0 at the low end and <= 0 at the high end.
    private readonly Bound[] _lo;
    private readonly Bound[] _hi;
    private readonly int[] _kept;
    private readonly double[] _targets;

    /// <summary>Forgets the last year's brackets; the fills stay as the starting point.</summary>
    public void BeginYear()
    {
        Array.Clear(_lo);
        Array.Clear(_hi);
        Array.Clear(_kept);
    }

    /// <summary>Per quota: the share of eligible imports inside it.</summary>
    public double[] Fill { get; }

    public bool Any => _quotas.Count > 0;

    private void Count(DutyPlan? plan, double units, double customsValue)
    {
        if (plan is not { IsFree: false })
        {
            return;
        }
        foreach (var key in plan.QuotaKeys)
        {
            _units[key] += units;
            _value[key] += units * customsValue;
        }
    }

    /// <summary>
    /// Sets the fills to the shares of the imports each route carries (<paramref name="units"/> of a cell's route) that the quotas
    /// cover; returns the largest change. For imports that do not respond to the fills (the base year's data).
    /// </summary>
    public double Update(IEnumerable<RouteCell> cells, Func<RouteCell, int, double> units)
    {
        if (_quotas.Count == 0)
        {
            return 0;
        }
        var targets = Targets(cells, units);
        var change = 0.0;
        foreach (var quota in _quotas)
        {
            change = Math.Max(change, Math.Abs(targets[quota.Key] - Fill[quota.Key]));
            Fill[quota.Key] = targets[quota.Key];
        }
        return change;
    }

    /// <summary>
    /// One step of the fill fixed point against imports that respond to the fills (the equilibrium's demand): returns the largest
    /// residual |target − fill| at the current fills and moves each fill to its next estimate. A higher fill lowers duties and adds
    /// imports, so the target falls as the fill rises and the fixed point is unique: the step keeps a bracket [low, high] around it
    /// and moves by false position (Illinois) inside it, or by a plain fixed-point step until both ends are known (which from
    /// fill 1 brackets the root at once). Plain damped steps cycle where imports respond strongly to the duty (section 5.3).
    /// </summary>
    public double Step(IEnumerable<RouteCell> cells, Func<RouteCell, int, double> units)
    {
        if (_quotas.Count == 0)
        {
            return 0;
        }
        var targets = Targets(cells, units);
        var residual = 0.0;
        foreach (var quota in _quotas)
        {
            var k = quota.Key;
            var fill = Fill[k];
            var g = targets[k] - fill;
            if (g == 0)
            {
                continue;
            }
            // A bracket narrower than the tolerance pins the fill where imports jump (a route switches as its duty crosses another
            // route's cost): no fill clears there exactly, and this one is as close as the tolerance can tell.
            var pinned = _lo[k].Known && _hi[k].Known && Math.Abs(_hi[k].Fill - _lo[k].Fill) < ModelConstants.QuotaFillTolerance;
            residual = Math.Max(residual, pinned ? 0 : Math.Abs(g));
            if (pinned)
            {
                continue;
            }
            if (g > 0)
            {
                _kept[k] = _hi[k].Known ? Math.Max(_kept[k], 0) + 1 : 0;
                _lo[k] = new Bound(fill, g, true);
            }
            else
            {
                _kept[k] = _lo[k].Known ? Math.Min(_kept[k], 0) - 1 : 0;
                _hi[k] = new Bound(fill, g, true);
            }
            if (!_lo[k].Known || !_hi[k].Known)
            {
                Fill[k] = targets[k];
                continue;
            }
            // Illinois: an end kept twice in a row has its residual halved, so false position does not stall on one side.
            if (_kept[k] >= 2)
            {
                _hi[k] = _hi[k] with { Residual = _hi[k].Residual / 2 };
            }
            else if (_kept[k] <= -2)
            {
                _lo[k] = _lo[k] with { Residual = _lo[k].Residual / 2 };
            }
            var (lo, hi) = (_lo[k], _hi[k]);
            var next = lo.Fill + lo.Residual * (hi.Fill - lo.Fill) / (lo.Residual - hi.Residual);
            Fill[k] = next > Math.Min(lo.Fill, hi.Fill) && next < Math.Max(lo.Fill, hi.Fill) ? next : (lo.Fill + hi.Fill) / 2;
        }
        return residual;
    }

    /// <summary>Per quota, the share of the eligible imports its yearly amount covers (into a buffer reused every round).</summary>
    private double[] Targets(IEnumerable<RouteCell> cells, Func<RouteCell, int, double> units)
    {
        Array.Clear(_units);
        Array.Clear(_value);
        foreach (var cell in cells)
        {
            for (var r = 0; r < cell.Plants.Length; r++)
            {
                var carried = units(cell, r);
                if (carried <= 0)
                {
                    continue;
                }
                Count(cell.Plans[r], carried, cell.CustomsValue[r]);
                Count(cell.KitPlans[r], carried, cell.KitCustomsValue[r]);
            }
        }
        var targets = _targets;
        foreach (var quota in _quotas)
        {
            var eligible = _units[quota.Key];
            double target = 1;
            if (eligible > 0)
            {
                // Plans already restrict a quota rule to the quarters it is in force; the yearly amount is the quota's.
                var averageValue = _value[quota.Key] / eligible;
                var capacity = quota.UnitsPerYear + (averageValue > 0 ? quota.ValueUsdPerYear / averageValue : 0);
                target = Math.Clamp(capacity / eligible, 0, 1);
            }
            targets[quota.Key] = target;
        }
        return targets;
    }
}
