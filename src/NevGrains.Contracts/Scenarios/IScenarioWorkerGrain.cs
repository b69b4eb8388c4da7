using System.Collections.Immutable;
using NevGrains.Contracts.Batches;
using NevGrains.Model.Calibration;
using NevGrains.Model.Experiments;
using NevGrains.Model.Results;
using NevGrains.Model.Scenarios;

namespace NevGrains.Contracts.Scenarios;

/// <summary>
/// The evaluation pool: a stateless worker, so each silo runs as many activations as it has cores and calls go to a local one.
/// Every call names a dataset version (null: the current one); every result records the version it used.
/// </summary>
[Alias("nev.IScenarioWorkerGrain")]
public interface IScenarioWorkerGrain : IGrainWithIntegerKey
{
    [Alias("run")]
    Task<ScenarioResult> Run(Scenario scenario, string? datasetVersion, CancellationToken cancellationToken = default);

    [Alias("compare")]
    Task<Comparison> Compare(Scenario scenario, string? datasetVersion, CancellationToken cancellationToken = default);

    [Alias("explain")]
    Task<Explanation> Explain(Scenario scenario, ExplainedMetric metric, string? datasetVersion, CancellationToken cancellationToken = default);

    [Alias("calibration")]
    Task<CalibrationReport> Calibration(string? datasetVersion, CancellationToken cancellationToken = default);

    /// <summary>Checks an experiment against a dataset version; empty when it can run.</summary>
    [Alias("validate-sweep")]
    Task<ImmutableArray<ScenarioIssue>> ValidateSweep(SweepSpec spec, string datasetVersion, CancellationToken cancellationToken = default);

    [Alias("validate-monte-carlo")]
    Task<ImmutableArray<ScenarioIssue>> ValidateMonteCarlo(MonteCarloSpec spec, string datasetVersion, CancellationToken cancellationToken = default);

    [Alias("validate-sensitivity")]
    Task<ImmutableArray<ScenarioIssue>> ValidateSensitivity(SensitivitySpec spec, string datasetVersion, CancellationToken cancellationToken = default);

    [Alias("sweep-points")]
    Task<ImmutableArray<SweepPointResult>> SweepPoints(SweepSpec spec, long from, int count, string datasetVersion, CancellationToken cancellationToken = default);

    [Alias("draws")]
    Task<ImmutableArray<DrawResult>> Draws(MonteCarloSpec spec, long from, int count, string datasetVersion, CancellationToken cancellationToken = default);

    [Alias("sensitivity-runs")]
    Task<ImmutableArray<SensitivityRun>> SensitivityRuns(SensitivitySpec spec, ImmutableArray<SensitivityRun> runs, string datasetVersion, CancellationToken cancellationToken = default);

    /// <summary>Which silo this worker runs on (cluster status and tests of work placement).</summary>
    [Alias("where")]
    Task<string> Where();
}
