using System.Collections.Immutable;
using System.Text.Json.Serialization;
using NevGrains.Model.Engine;
using NevGrains.Model.Parameters;
using NevGrains.Model.Scenarios;

namespace NevGrains.Model.Results;

[JsonConverter(typeof(JsonStringEnumConverter<ExplainedMetric>))]
public enum ExplainedMetric
{
    [JsonStringEnumMemberName("units")] Units,
    [JsonStringEnumMemberName("revenue")] Revenue,
    [JsonStringEnumMemberName("grossMargin")] GrossMargin,
    [JsonStringEnumMemberName("tariffPaid")] TariffPaid,
}

/// <summary>A scenario's change against its base, per brand, market and year, split by driver; the parts add up to the change.</summary>
[GenerateSerializer, Immutable, Alias("nev.Explanation")]
public sealed record Explanation(
    [property: Id(0)] string Scenario,
    [property: Id(1)] string DatasetVersion,
    [property: Id(2)] ExplainedMetric Metric,
    [property: Id(3)] ImmutableArray<Driver> Drivers,
    [property: Id(4)] ImmutableArray<ExplainedCell> Cells,
    [property: Id(5)] SolverDiagnostics? Diagnostics = null,
    [property: Id(6)] SolverDiagnostics? BaseDiagnostics = null);

[GenerateSerializer, Immutable, Alias("nev.ExplainedCell")]
public sealed record ExplainedCell(
    [property: Id(0)] string Owner,
    [property: Id(1)] bool IsCompetitor,
    [property: Id(2)] string Market,
    [property: Id(3)] int Year,
    [property: Id(4)] double BaseValue,
    [property: Id(5)] double ScenarioValue,
    [property: Id(6)] ImmutableArray<double> ByDriver)
{
    public double Change => ScenarioValue - BaseValue;
}

/// <summary>
/// Decomposes a scenario's change by driver with Shapley values over the drivers its levers use: each driver gets its average
/// marginal contribution over every order in which the drivers could be switched on, so interactions are shared fairly and the
/// parts sum exactly to the total change. Costs 2^n runs for n drivers (at most 7).
/// </summary>
public static class Explainer
{
    public static Explanation Explain(CompiledBaseline compiled, Scenario scenario, ModelParameters? parameters = null,
        ExplainedMetric metric = ExplainedMetric.Units, CancellationToken cancellationToken = default)
    {
        var plan = Plan(compiled, scenario, parameters, metric);
        return plan.Combine([.. Enumerable.Range(0, plan.RunCount).Select(i => plan.Run(i, cancellationToken))]);
    }

    /// <summary>The runs an explanation needs (validated once), for hosts that schedule each run themselves.</summary>
    public static ExplanationPlan Plan(CompiledBaseline compiled, Scenario scenario, ModelParameters? parameters = null,
        ExplainedMetric metric = ExplainedMetric.Units)
    {
        ScenarioValidator.EnsureValid(scenario, compiled);
        return new ExplanationPlan(compiled, scenario, parameters, metric);
    }
}

/// <summary>
/// An explanation's 2^n runs, one per subset of the drivers (bit i of the run's index switches driver i on), and the Shapley
/// sums over their results.
/// </summary>
public sealed class ExplanationPlan
{
    private readonly CompiledBaseline _compiled;
    private readonly Scenario _scenario;
    private readonly ModelParameters? _parameters;
    private readonly ExplainedMetric _metric;

    internal ExplanationPlan(CompiledBaseline compiled, Scenario scenario, ModelParameters? parameters, ExplainedMetric metric)
    {
        _compiled = compiled;
        _scenario = scenario;
        _parameters = parameters;
        _metric = metric;
        Drivers = scenario.LeverList.Select(l => l.Driver).Distinct().Order().ToImmutableArray();
    }

    public ImmutableArray<Driver> Drivers { get; }

    public int RunCount => 1 << Drivers.Length;

    /// <summary>Run <paramref name="mask"/>: the scenario with only the drivers whose bits are set.</summary>
    public ScenarioResult Run(int mask, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(mask);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(mask, RunCount);
        var subset = Drivers.Where((_, i) => (mask & (1 << i)) != 0).ToHashSet();
        return ScenarioEngine.RunValidated(_compiled, _scenario.OnlyDrivers(subset), _parameters, growthOffset: null, cancellationToken);
    }

    /// <summary>The explanation from every run's result, in index order.</summary>
    public Explanation Combine(IReadOnlyList<ScenarioResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results.Count != RunCount)
        {
            throw new ArgumentException($"{results.Count} results for {RunCount} runs", nameof(results));
        }
        var n = Drivers.Length;
        var metric = _metric;
        var runs = results.Select(r => r.Cells.ToDictionary(c => (c.Owner, c.Market, c.Year))).ToArray();
        ScenarioResult full = results[(1 << n) - 1], none = results[0];

        var weights = new double[n];
        for (var size = 0; size < n; size++)
        {
            weights[size] = Factorial(size) * Factorial(n - size - 1) / Factorial(n);
        }
        var keys = runs[0].Keys.Union(runs[(1 << n) - 1].Keys)
            .OrderBy(k => k.Item2, StringComparer.Ordinal).ThenBy(k => k.Item1, StringComparer.Ordinal).ThenBy(k => k.Item3);
        var cells = ImmutableArray.CreateBuilder<ExplainedCell>();
        foreach (var key in keys)
        {
            var before = Value(runs[0], key, metric);
            var after = Value(runs[(1 << n) - 1], key, metric);
            if (Math.Abs(after - before) < 1e-9)
            {
                continue;
            }
            var parts = new double[n];
            for (var i = 0; i < n; i++)
            {
                for (var mask = 0; mask < 1 << n; mask++)
                {
                    if ((mask & (1 << i)) != 0)
                    {
                        continue;
                    }
                    parts[i] += weights[System.Numerics.BitOperations.PopCount((uint)mask)]
                                * (Value(runs[mask | (1 << i)], key, metric) - Value(runs[mask], key, metric));
                }
            }
            var any = runs[(1 << n) - 1].GetValueOrDefault(key) ?? runs[0][key];
            cells.Add(new ExplainedCell(key.Item1, any.IsCompetitor, key.Item2, key.Item3, before, after, [.. parts]));
        }
        // Its two ends, every driver on and none, are the scenario and its base: their solves are the ones a caller reads.
        return new Explanation(_scenario.Name, full.DatasetVersion, metric, Drivers, cells.ToImmutable(), full.Diagnostics, none.Diagnostics);
    }

    private static double Value(Dictionary<(string, string, int), CellResult> cells, (string, string, int) key, ExplainedMetric metric) =>
        cells.TryGetValue(key, out var cell)
            ? metric switch
            {
                ExplainedMetric.Revenue => cell.RevenueUsd,
                ExplainedMetric.GrossMargin => cell.GrossMarginUsd,
                ExplainedMetric.TariffPaid => cell.TariffPaidUsd,
                _ => cell.Units,
            }
            : 0;

    private static double Factorial(int n)
    {
        var result = 1.0;
        for (var i = 2; i <= n; i++)
        {
            result *= i;
        }
        return result;
    }
}
