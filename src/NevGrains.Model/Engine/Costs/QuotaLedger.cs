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
        Array.Fill(Fill, 1.0);
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
    /// Recomputes the fills from the imports each route carries (<paramref name="units"/> of a cell's route) and moves the current fills
    /// half way there; returns the largest change.
    /// </summary>
    public double Update(IEnumerable<RouteCell> cells, Func<RouteCell, int, double> units, double step = 0.5)
    {
        if (_quotas.Count == 0)
        {
            return 0;
        }
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
        var change = 0.0;
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
            var next = Fill[quota.Key] + step * (target - Fill[quota.Key]);
            change = Math.Max(change, Math.Abs(next - Fill[quota.Key]));
            Fill[quota.Key] = next;
        }
        return change;
    }
}
