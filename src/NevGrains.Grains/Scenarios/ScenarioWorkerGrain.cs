using System.Collections.Immutable;
using NevGrains.Contracts.Scenarios;
using NevGrains.Grains.Data;
using NevGrains.Model.Calibration;
using NevGrains.Model.Engine;
using NevGrains.Model.Experiments;
using NevGrains.Model.Results;
using NevGrains.Model.Scenarios;

namespace NevGrains.Grains.Scenarios;

/// <summary>
/// The evaluation pool. A stateless worker: Orleans runs up to one activation per core on each silo and routes calls to a local
/// one, so scenario queries never queue behind a brand or market grain. The model is pure; the worker only resolves the version.
/// </summary>
[StatelessWorker]
public sealed class ScenarioWorkerGrain(BaselineCache cache, ILocalSiloDetails silo) : Grain, IScenarioWorkerGrain
{
    public async Task<ScenarioResult> Run(Scenario scenario, string? datasetVersion, CancellationToken cancellationToken = default)
    {
        var compiled = await cache.Get(datasetVersion, cancellationToken);
        return ScenarioEngine.Run(compiled, scenario);
    }

    public async Task<Comparison> Compare(Scenario scenario, string? datasetVersion, CancellationToken cancellationToken = default)
    {
        var compiled = await cache.Get(datasetVersion, cancellationToken);
        var result = ScenarioEngine.Run(compiled, scenario);
        var horizon = ScenarioValidator.HorizonOf(scenario, compiled);
        var baseline = ScenarioEngine.Run(compiled, Scenario.Base(horizon) with { Parameters = scenario.Parameters });
        return Comparison.Of(baseline, result);
    }

    public async Task<Explanation> Explain(Scenario scenario, ExplainedMetric metric, string? datasetVersion, CancellationToken cancellationToken = default)
    {
        var compiled = await cache.Get(datasetVersion, cancellationToken);
        return Explainer.Explain(compiled, scenario, metric: metric);
    }

    public async Task<CalibrationReport> Calibration(string? datasetVersion, CancellationToken cancellationToken = default)
    {
        var compiled = await cache.Get(datasetVersion, cancellationToken);
        return CalibrationCheck.Report(compiled);
    }

    public async Task<ImmutableArray<ScenarioIssue>> ValidateSweep(SweepSpec spec, string datasetVersion, CancellationToken cancellationToken = default) =>
        [.. Sweep.Validate(spec, await cache.Get(datasetVersion, cancellationToken))];

    public async Task<ImmutableArray<ScenarioIssue>> ValidateMonteCarlo(MonteCarloSpec spec, string datasetVersion, CancellationToken cancellationToken = default) =>
        [.. MonteCarlo.Validate(spec, await cache.Get(datasetVersion, cancellationToken))];

    public async Task<ImmutableArray<ScenarioIssue>> ValidateSensitivity(SensitivitySpec spec, string datasetVersion, CancellationToken cancellationToken = default) =>
        [.. Sensitivity.Validate(spec, await cache.Get(datasetVersion, cancellationToken))];

    public async Task<ImmutableArray<SweepPointResult>> SweepPoints(SweepSpec spec, long from, int count, string datasetVersion, CancellationToken cancellationToken = default)
    {
        var compiled = await cache.Get(datasetVersion, cancellationToken);
        var points = ImmutableArray.CreateBuilder<SweepPointResult>(count);
        for (var i = from; i < from + count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            points.Add(Sweep.EvaluatePoint(spec, compiled, i));
        }
        return points.MoveToImmutable();
    }

    public async Task<ImmutableArray<DrawResult>> Draws(MonteCarloSpec spec, long from, int count, string datasetVersion, CancellationToken cancellationToken = default)
    {
        var compiled = await cache.Get(datasetVersion, cancellationToken);
        var draws = ImmutableArray.CreateBuilder<DrawResult>(count);
        for (var i = from; i < from + count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            draws.Add(MonteCarlo.EvaluateDraw(spec, compiled, i));
        }
        return draws.MoveToImmutable();
    }

    public async Task<ImmutableArray<SensitivityRun>> SensitivityRuns(SensitivitySpec spec, ImmutableArray<SensitivityRun> runs, string datasetVersion, CancellationToken cancellationToken = default)
    {
        var compiled = await cache.Get(datasetVersion, cancellationToken);
        return [.. runs.Select(r => Sensitivity.EvaluateRun(spec, compiled, r))];
    }

    public Task<string> Where() => Task.FromResult(silo.SiloAddress.ToString());
}
