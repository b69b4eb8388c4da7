using System.Collections.Immutable;
using NevGrains.Model.Engine;
using NevGrains.Model.Parameters;
using NevGrains.Model.Results;
using NevGrains.Model.Scenarios;

namespace NevGrains.Model.Experiments;

/// <summary>
/// One-at-a-time sensitivity (a tornado): each parameter moved to its low and high value (P10 and P90 of its prior, or its range
/// for parameters without one) with the others at their defaults. With <see cref="OnDelta"/>, the metric is the scenario's change
/// against the base run with the same parameters.
/// </summary>
[GenerateSerializer, Immutable, Alias("nev.SensitivitySpec")]
public sealed record SensitivitySpec(
    [property: Id(0)] Scenario Scenario,
    [property: Id(1)] MetricSpec Metric,
    [property: Id(2)] ImmutableArray<string> Parameters = default,
    [property: Id(3)] bool OnDelta = false);

[GenerateSerializer, Immutable, Alias("nev.TornadoBar")]
public sealed record TornadoBar(
    [property: Id(0)] string Parameter,
    [property: Id(1)] double LowValue,
    [property: Id(2)] double HighValue,
    [property: Id(3)] double MetricAtLow,
    [property: Id(4)] double MetricAtHigh)
{
    public double Swing => Math.Abs(MetricAtHigh - MetricAtLow);
}

[GenerateSerializer, Immutable, Alias("nev.SensitivityResult")]
public sealed record SensitivityResult(
    [property: Id(0)] string Scenario,
    [property: Id(1)] string DatasetVersion,
    [property: Id(2)] string Metric,
    [property: Id(3)] double Center,
    [property: Id(4)] ImmutableArray<TornadoBar> Bars);

/// <summary>One run of a sensitivity: the center (parameter null) or one parameter at one value.</summary>
[GenerateSerializer, Immutable, Alias("nev.SensitivityRun")]
public sealed record SensitivityRun(
    [property: Id(0)] int Index,
    [property: Id(1)] string? Parameter,
    [property: Id(2)] double Value,
    [property: Id(3)] double Metric = double.NaN);

public static class Sensitivity
{
    public static IReadOnlyList<ScenarioIssue> Validate(SensitivitySpec spec, CompiledBaseline compiled)
    {
        var issues = ScenarioValidator.Validate(spec.Scenario, compiled).Select(i => i.Under("scenario")).ToList();
        ExperimentChecks.Metrics(spec.Metric is null ? [] : [spec.Metric], compiled, ScenarioValidator.HorizonOf(spec.Scenario, compiled), issues);
        foreach (var name in spec.Parameters.IsDefault ? [] : spec.Parameters)
        {
            if (!ParameterCatalog.TryGet(name, out _))
            {
                issues.Add(new ScenarioIssue("parameters", $"unknown parameter '{name}'"));
            }
        }
        return issues;
    }

    /// <summary>How many runs <see cref="Runs"/> makes (the center, then two per parameter), without building them.</summary>
    public static long RunCount(SensitivitySpec spec) =>
        1 + 2L * (spec.Parameters.IsDefaultOrEmpty ? ParameterCatalog.All.Count(p => p.IsUncertain) : spec.Parameters.Length);

    /// <summary>The runs: index 0 is the center, then low and high for each parameter.</summary>
    public static IReadOnlyList<SensitivityRun> Runs(SensitivitySpec spec)
    {
        var specs = spec.Parameters.IsDefaultOrEmpty
            ? ParameterCatalog.All.Where(p => p.IsUncertain).ToList()
            : [.. spec.Parameters.Select(n => ParameterCatalog.TryGet(n, out var p) ? p : throw new ArgumentException($"unknown parameter '{n}'"))];
        var runs = new List<SensitivityRun> { new(0, null, double.NaN) };
        foreach (var p in specs)
        {
            var (low, high) = p.Prior is { } prior
                ? (prior.Quantile(0.1, p.Default, p.Min, p.Max), prior.Quantile(0.9, p.Default, p.Min, p.Max))
                : (p.Min, p.Max);
            runs.Add(new SensitivityRun(runs.Count, p.Name, low));
            runs.Add(new SensitivityRun(runs.Count, p.Name, high));
        }
        return runs;
    }

    public static SensitivityRun EvaluateRun(SensitivitySpec spec, CompiledBaseline compiled, SensitivityRun run)
    {
        var parameters = run.Parameter is null
            ? ModelParameters.Default
            : ModelParameters.Default.With(ParameterCatalog.All.First(p => p.Name == run.Parameter).Id, run.Value);
        var result = ScenarioEngine.RunValidated(compiled, spec.Scenario, parameters, growthOffset: null);
        var value = spec.Metric.Evaluate(result, compiled);
        if (spec.OnDelta)
        {
            var horizon = ScenarioValidator.HorizonOf(spec.Scenario, compiled);
            var baseResult = ScenarioEngine.RunValidated(compiled, Scenario.Base(horizon) with { Parameters = spec.Scenario.Parameters }, parameters, growthOffset: null);
            value -= spec.Metric.Evaluate(baseResult, compiled);
        }
        return run with { Metric = value };
    }

    public static SensitivityResult Summarize(SensitivitySpec spec, string datasetVersion, IEnumerable<SensitivityRun> runs)
    {
        var ordered = runs.OrderBy(r => r.Index).ToList();
        var bars = new List<TornadoBar>();
        for (var i = 1; i + 1 < ordered.Count; i += 2)
        {
            bars.Add(new TornadoBar(ordered[i].Parameter!, ordered[i].Value, ordered[i + 1].Value, ordered[i].Metric, ordered[i + 1].Metric));
        }
        return new SensitivityResult(spec.Scenario.Name, datasetVersion, spec.Metric.Label, ordered[0].Metric,
            [.. bars.OrderByDescending(b => b.Swing).ThenBy(b => b.Parameter, StringComparer.Ordinal)]);
    }

    public static SensitivityResult Run(SensitivitySpec spec, CompiledBaseline compiled, int? maxParallelism = null)
    {
        var issues = Validate(spec, compiled);
        if (issues.Count > 0)
        {
            throw new ScenarioException(issues);
        }
        var runs = Runs(spec);
        var evaluated = new SensitivityRun[runs.Count];
        Parallel.For(0, runs.Count, new ParallelOptions { MaxDegreeOfParallelism = maxParallelism ?? Environment.ProcessorCount },
            i => evaluated[i] = EvaluateRun(spec, compiled, runs[i]));
        return Summarize(spec, compiled.Version, evaluated);
    }
}
