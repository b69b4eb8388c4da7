using System.Collections.Immutable;
using System.Globalization;
using NevGrains.Model.Engine;
using NevGrains.Model.Results;
using NevGrains.Model.Scenarios;

namespace NevGrains.Model.Experiments;

public enum ExperimentKind
{
    /// <summary>A list of scenarios, each read through the experiment's metrics (batches).</summary>
    Scenarios,
    /// <summary>The points of a parameter or lever grid.</summary>
    Sweep,
    /// <summary>The draws of a Monte Carlo run (base and scenario per draw).</summary>
    MonteCarlo,
    /// <summary>The runs of a one-at-a-time sensitivity (center, then low and high per parameter).</summary>
    Sensitivity,
}

/// <summary>
/// An experiment as its slices see it: what to evaluate (exactly one spec, per <see cref="Kind"/>) on which dataset version. For
/// scenario lists, <see cref="Scenarios"/> holds the items from <see cref="ScenariosFrom"/> on (a batch chunk's inputs).
/// </summary>
[GenerateSerializer, Immutable, Alias("nev.ExperimentWork")]
public sealed record ExperimentWork(
    [property: Id(0)] ExperimentKind Kind,
    [property: Id(1)] string DatasetVersion,
    [property: Id(2)] ImmutableArray<MetricSpec> Metrics = default,
    [property: Id(3)] ImmutableArray<Scenario> Scenarios = default,
    [property: Id(4)] long ScenariosFrom = 0,
    [property: Id(5)] SweepSpec? Sweep = null,
    [property: Id(6)] MonteCarloSpec? MonteCarlo = null,
    [property: Id(7)] SensitivitySpec? Sensitivity = null)
{
    /// <summary>How many items the experiment has (saturating: a grid too large to count reports <see cref="long.MaxValue"/>).</summary>
    public long ItemCount => Kind switch
    {
        ExperimentKind.Sweep => Sweep is null ? 0 : Experiments.Sweep.PointCount(Sweep),
        ExperimentKind.MonteCarlo => MonteCarlo?.Draws ?? 0,
        ExperimentKind.Sensitivity => Sensitivity is null ? 0 : Experiments.Sensitivity.RunCount(Sensitivity),
        _ => Scenarios.IsDefault ? 0 : Scenarios.Length,
    };

    /// <summary>Scenario runs per item (a draw and an on-delta sensitivity run their base too): what limits are counted in.</summary>
    public int RunsPerItem => Kind switch
    {
        ExperimentKind.MonteCarlo => 2,
        ExperimentKind.Sensitivity when Sensitivity is { OnDelta: true } => 2,
        _ => 1,
    };
}

/// <summary>One item's outcome: its metric values (and, for Monte Carlo draws, the base run's), or the error it hit.</summary>
[GenerateSerializer, Immutable, Alias("nev.ItemResult")]
public sealed record ItemResult(
    [property: Id(0)] long Index,
    [property: Id(1)] string Label,
    [property: Id(2)] ImmutableArray<double> Values,
    [property: Id(3)] ImmutableArray<double> BaseValues = default,
    [property: Id(4)] string? Error = null);

/// <summary>
/// The one item evaluator: interactive experiments' slices and batch chunks both evaluate items through it. Checks run once, before
/// any item (<see cref="Validate"/>); items assume a valid experiment, except scenario-list items, which each carry their own error.
/// </summary>
public static class ExperimentItems
{
    /// <summary>
    /// Checks an experiment against a dataset; issue paths are relative to the experiment's spec (<c>axes[0].target</c>,
    /// <c>draws</c>, <c>scenarios[3].levers[0].rate</c>).
    /// </summary>
    public static IReadOnlyList<ScenarioIssue> Validate(ExperimentWork work, CompiledBaseline compiled)
    {
        switch (work.Kind)
        {
            case ExperimentKind.Sweep when work.Sweep is not null:
                return Sweep.Validate(work.Sweep, compiled);
            case ExperimentKind.MonteCarlo when work.MonteCarlo is not null:
                return MonteCarlo.Validate(work.MonteCarlo, compiled);
            case ExperimentKind.Sensitivity when work.Sensitivity is not null:
                return Sensitivity.Validate(work.Sensitivity, compiled);
            case ExperimentKind.Scenarios:
                return ValidateScenarios(work, compiled);
            default:
                return [new ScenarioIssue("", $"missing the {work.Kind} spec")];
        }
    }

    /// <summary>Evaluates single items of one piece of work; hosts schedule each item's run themselves (the silo's compute gate).</summary>
    public sealed class ItemEvaluator(ExperimentWork work, CompiledBaseline compiled)
    {
        private readonly IReadOnlyList<SensitivityRun> _sensitivityRuns = work.Kind == ExperimentKind.Sensitivity ? Sensitivity.Runs(work.Sensitivity!) : []; // built once

        public ItemResult Evaluate(long index) => ExperimentItems.Evaluate(work, compiled, index, _sensitivityRuns);
    }

    private static ItemResult Evaluate(ExperimentWork work, CompiledBaseline compiled, long index, IReadOnlyList<SensitivityRun> sensitivityRuns)
    {
        switch (work.Kind)
        {
            case ExperimentKind.Sweep:
                var spec = work.Sweep!;
                var point = Sweep.EvaluatePoint(spec, compiled, index);
                var label = string.Join(", ", spec.Axes.Select((a, k) => $"{a.Target}={point.AxisValues[k].ToString(CultureInfo.InvariantCulture)}"));
                return new ItemResult(index, label, point.Metrics);
            case ExperimentKind.MonteCarlo:
                var draw = MonteCarlo.EvaluateDraw(work.MonteCarlo!, compiled, index);
                return new ItemResult(index, $"draw {index}", draw.Scenario, draw.Base);
            case ExperimentKind.Sensitivity:
                var run = sensitivityRuns[(int)index];
                var evaluated = Sensitivity.EvaluateRun(work.Sensitivity!, compiled, run);
                return new ItemResult(index, run.Parameter is null ? "center" : $"{run.Parameter}={run.Value.ToString(CultureInfo.InvariantCulture)}",
                    [evaluated.Metric]);
            default:
                var scenario = work.Scenarios[(int)(index - work.ScenariosFrom)];
                try
                {
                    var result = ScenarioEngine.RunValidated(compiled, scenario, parameters: null, growthOffset: null); // checked at submission
                    return new ItemResult(index, scenario.Name, [.. work.Metrics.Select(m => m.Evaluate(result, compiled))]);
                }
                catch (ScenarioException ex)
                {
                    return new ItemResult(index, scenario.Name, [], Error: ex.Message);
                }
        }
    }

    /// <summary>A sweep from its items: points in index order with their axis values.</summary>
    public static SweepResult AssembleSweep(SweepSpec spec, string datasetVersion, IEnumerable<ItemResult> items) =>
        Sweep.Assemble(spec, datasetVersion, items.Select(i => new SweepPointResult(i.Index, [.. Sweep.AxisValues(spec, i.Index)], i.Values)));

    public static MonteCarloResult SummarizeMonteCarlo(MonteCarloSpec spec, string datasetVersion, IEnumerable<ItemResult> items) =>
        MonteCarlo.Summarize(spec, datasetVersion, [.. items.Select(i => new DrawResult(i.Index, i.BaseValues, i.Values))]);

    public static SensitivityResult SummarizeSensitivity(SensitivitySpec spec, string datasetVersion, IEnumerable<ItemResult> items)
    {
        var runs = Sensitivity.Runs(spec);
        return Sensitivity.Summarize(spec, datasetVersion, items.Select(i => runs[(int)i.Index] with { Metric = i.Values[0] }));
    }

    private static List<ScenarioIssue> ValidateScenarios(ExperimentWork work, CompiledBaseline compiled)
    {
        var issues = new List<ScenarioIssue>();
        if (work.Scenarios.IsDefaultOrEmpty)
        {
            issues.Add(new ScenarioIssue("scenarios", "name at least one scenario"));
            return issues;
        }
        var horizon = work.Scenarios.Min(s => s is null ? compiled.MaxHorizon : ScenarioValidator.HorizonOf(s, compiled));
        ExperimentChecks.Metrics(work.Metrics, compiled, horizon, issues);
        for (var i = 0; i < work.Scenarios.Length && issues.Count < 100; i++)
        {
            if (work.Scenarios[i] is null)
            {
                issues.Add(new ScenarioIssue($"scenarios[{i}]", "missing"));
                continue;
            }
            issues.AddRange(ScenarioValidator.Validate(work.Scenarios[i], compiled).Select(x => x.Under($"scenarios[{i}]")));
        }
        return issues;
    }
}
