using System.Collections.Immutable;
using NevGrains.Model.Engine;
using NevGrains.Model.Parameters;
using NevGrains.Model.Results;
using NevGrains.Model.Scenarios;

namespace NevGrains.Model.Experiments;

/// <summary>
/// A second-order Monte Carlo run: parameters drawn from their priors (all uncertain ones unless listed), optionally each
/// market's growth too; base and scenario evaluated on the same draws so their difference has low variance.
/// </summary>
[GenerateSerializer, Immutable, Alias("nev.MonteCarloSpec")]
public sealed record MonteCarloSpec(
    [property: Id(0)] Scenario Scenario,
    [property: Id(1)] int Draws,
    [property: Id(2)] ulong Seed,
    [property: Id(3)] ImmutableArray<MetricSpec> Metrics,
    [property: Id(4)] ImmutableArray<string> Parameters = default,
    [property: Id(5)] bool MarketGrowth = true,
    [property: Id(6)] ImmutableArray<Threshold> Thresholds = default);

/// <summary>"Probability that metric <see cref="Metric"/> (by index) exceeds <see cref="Value"/>" (or falls below it).</summary>
[GenerateSerializer, Immutable, Alias("nev.Threshold")]
public sealed record Threshold(
    [property: Id(0)] int Metric,
    [property: Id(1)] double Value,
    [property: Id(2)] bool Above = true,
    [property: Id(3)] bool OnDelta = false);

/// <summary>One draw: each metric's value in the base and in the scenario.</summary>
[GenerateSerializer, Immutable, Alias("nev.DrawResult")]
public sealed record DrawResult(
    [property: Id(0)] long Draw,
    [property: Id(1)] ImmutableArray<double> Base,
    [property: Id(2)] ImmutableArray<double> Scenario);

[GenerateSerializer, Immutable, Alias("nev.Quantiles")]
public sealed record Quantiles(
    [property: Id(0)] double P10,
    [property: Id(1)] double P50,
    [property: Id(2)] double P90,
    [property: Id(3)] double Mean)
{
    public static Quantiles Of(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return new Quantiles(double.NaN, double.NaN, double.NaN, double.NaN);
        }
        var sorted = values.Order().ToArray();
        return new Quantiles(At(sorted, 0.1), At(sorted, 0.5), At(sorted, 0.9), sorted.Average());
    }

    /// <summary>Linear interpolation between order statistics (type 7, as R and NumPy default).</summary>
    private static double At(double[] sorted, double p)
    {
        var h = (sorted.Length - 1) * p;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}

[GenerateSerializer, Immutable, Alias("nev.MetricSummary")]
public sealed record MetricSummary(
    [property: Id(0)] string Metric,
    [property: Id(1)] Quantiles Base,
    [property: Id(2)] Quantiles Scenario,
    [property: Id(3)] Quantiles Delta);

[GenerateSerializer, Immutable, Alias("nev.ThresholdProbability")]
public sealed record ThresholdProbability(
    [property: Id(0)] Threshold Threshold,
    [property: Id(1)] double Probability);

[GenerateSerializer, Immutable, Alias("nev.MonteCarloResult")]
public sealed record MonteCarloResult(
    [property: Id(0)] string Scenario,
    [property: Id(1)] string DatasetVersion,
    [property: Id(2)] int Draws,
    [property: Id(3)] ulong Seed,
    [property: Id(4)] ImmutableArray<MetricSummary> Metrics,
    [property: Id(5)] ImmutableArray<ThresholdProbability> Thresholds);

public static class MonteCarlo
{
    public const int MaxDraws = 100_000;

    /// <summary>Checks a spec; returns problems by field (empty when valid).</summary>
    public static IReadOnlyList<ScenarioIssue> Validate(MonteCarloSpec spec, CompiledBaseline compiled)
    {
        var issues = ScenarioValidator.Validate(spec.Scenario, compiled).Select(i => i.Under("scenario")).ToList();
        if (spec.Draws is < 1 or > MaxDraws)
        {
            issues.Add(new ScenarioIssue("draws", $"{spec.Draws} is outside 1..{MaxDraws}"));
        }
        ExperimentChecks.Metrics(spec.Metrics, compiled, ScenarioValidator.HorizonOf(spec.Scenario, compiled), issues);
        foreach (var name in spec.Parameters.IsDefault ? [] : spec.Parameters)
        {
            if (!ParameterCatalog.TryGet(name, out var p) || !p.IsUncertain)
            {
                issues.Add(new ScenarioIssue("parameters", $"'{name}' is not a parameter with a prior"));
            }
        }
        foreach (var (threshold, i) in (spec.Thresholds.IsDefault ? [] : spec.Thresholds).Select((t, i) => (t, i)))
        {
            if (threshold.Metric < 0 || threshold.Metric >= spec.Metrics.Length)
            {
                issues.Add(new ScenarioIssue($"thresholds[{i}].metric", $"{threshold.Metric} is not a metric index"));
            }
            if (!double.IsFinite(threshold.Value))
            {
                issues.Add(new ScenarioIssue($"thresholds[{i}].value", "not a finite number"));
            }
        }
        return issues;
    }

    /// <summary>The parameter set and market-growth offsets of draw <paramref name="draw"/>; the same for base and scenario.</summary>
    public static (ModelParameters Parameters, double[]? GrowthOffset) Draw(MonteCarloSpec spec, CompiledBaseline compiled, long draw)
    {
        var values = ModelParameters.Default.Values.ToBuilder();
        var names = spec.Parameters.IsDefaultOrEmpty ? null : spec.Parameters.ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var p in ParameterCatalog.All)
        {
            if (p.Prior is null || (names is not null && !names.Contains(p.Name)))
            {
                continue;
            }
            var u = CounterRandom.Uniform(spec.Seed, draw, (int)p.Id);
            values[(int)p.Id] = p.Prior.Quantile(u, p.Default, p.Min, p.Max);
        }
        var parameters = ModelParameters.FromValues(values.ToImmutable());
        if (!spec.MarketGrowth)
        {
            return (parameters, null);
        }
        var sigma = parameters[ParameterId.MarketGrowthSigma];
        var offsets = new double[compiled.Markets.Length];
        for (var m = 0; m < offsets.Length; m++)
        {
            offsets[m] = sigma * Distributions.InverseNormal(CounterRandom.Uniform(spec.Seed, draw, 1000 + m));
        }
        return (parameters, offsets);
    }

    /// <summary>Evaluates one draw (base and scenario). Pure: the cluster runs draws anywhere, in any order.</summary>
    public static DrawResult EvaluateDraw(MonteCarloSpec spec, CompiledBaseline compiled, long draw)
    {
        var (parameters, growth) = Draw(spec, compiled, draw);
        var horizon = ScenarioValidator.HorizonOf(spec.Scenario, compiled);
        // The scenario's own parameter overrides apply to both runs (they fix what the user fixed).
        var baseResult = ScenarioEngine.RunValidated(compiled, Scenario.Base(horizon) with { Parameters = spec.Scenario.Parameters }, parameters, growth);
        var scenarioResult = ScenarioEngine.RunValidated(compiled, spec.Scenario, parameters, growth);
        return new DrawResult(draw,
            [.. spec.Metrics.Select(m => m.Evaluate(baseResult, compiled))],
            [.. spec.Metrics.Select(m => m.Evaluate(scenarioResult, compiled))]);
    }

    /// <summary>P10/P50/P90 of base, scenario and delta per metric, and threshold probabilities, from the draws.</summary>
    public static MonteCarloResult Summarize(MonteCarloSpec spec, string datasetVersion, IReadOnlyCollection<DrawResult> draws)
    {
        var metrics = ImmutableArray.CreateBuilder<MetricSummary>();
        for (var m = 0; m < spec.Metrics.Length; m++)
        {
            var index = m;
            metrics.Add(new MetricSummary(spec.Metrics[m].Label,
                Quantiles.Of([.. draws.Select(d => d.Base[index])]),
                Quantiles.Of([.. draws.Select(d => d.Scenario[index])]),
                Quantiles.Of([.. draws.Select(d => d.Scenario[index] - d.Base[index])])));
        }
        var thresholds = ImmutableArray.CreateBuilder<ThresholdProbability>();
        foreach (var threshold in spec.Thresholds.IsDefault ? [] : spec.Thresholds)
        {
            var hits = draws.Count(d =>
            {
                var value = threshold.OnDelta ? d.Scenario[threshold.Metric] - d.Base[threshold.Metric] : d.Scenario[threshold.Metric];
                return threshold.Above ? value > threshold.Value : value < threshold.Value;
            });
            thresholds.Add(new ThresholdProbability(threshold, draws.Count > 0 ? hits / (double)draws.Count : double.NaN));
        }
        return new MonteCarloResult(spec.Scenario.Name, datasetVersion, draws.Count, spec.Seed, metrics.ToImmutable(), thresholds.ToImmutable());
    }

    /// <summary>Runs every draw in this process (on all cores) and summarises; the cluster does the same across silos.</summary>
    public static MonteCarloResult Run(MonteCarloSpec spec, CompiledBaseline compiled, int? maxParallelism = null)
    {
        var issues = Validate(spec, compiled);
        if (issues.Count > 0)
        {
            throw new ScenarioException(issues);
        }
        var results = new DrawResult[spec.Draws];
        Parallel.For(0, spec.Draws, new ParallelOptions { MaxDegreeOfParallelism = maxParallelism ?? Environment.ProcessorCount },
            i => results[i] = EvaluateDraw(spec, compiled, i));
        return Summarize(spec, compiled.Version, results);
    }
}

/// <summary>Checks shared by experiments and batches.</summary>
public static class ExperimentChecks
{
    public static void Metrics(ImmutableArray<MetricSpec> metrics, CompiledBaseline compiled, int horizon, List<ScenarioIssue> issues)
    {
        if (metrics.IsDefaultOrEmpty)
        {
            issues.Add(new ScenarioIssue("metrics", "name at least one metric"));
            return;
        }
        if (metrics.Length > 100)
        {
            issues.Add(new ScenarioIssue("metrics", $"{metrics.Length} metrics; at most 100"));
        }
        for (var i = 0; i < metrics.Length; i++)
        {
            if (metrics[i] is null)
            {
                issues.Add(new ScenarioIssue($"metrics[{i}]", "missing"));
                continue;
            }
            foreach (var problem in metrics[i].Problems(compiled, horizon))
            {
                issues.Add(new ScenarioIssue($"metrics[{i}].{problem[..problem.IndexOf(':')]}", problem[(problem.IndexOf(':') + 2)..]));
            }
        }
    }
}
