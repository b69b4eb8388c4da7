using NevGrains.Model.Experiments;

namespace NevGrains.Contracts.Experiments;

/// <summary>
/// Runs an experiment answered in one call: validates it once against the dataset version it pins, checks the caller's limit,
/// slices it and evaluates the slices in parallel on the evaluation lanes across the cluster, then assembles the answer.
/// A stateless, reentrant coordinator: it only waits on its lanes. An experiment may run for minutes (up to the callers' limit
/// of scenario runs), longer than Orleans' default response timeout, so its calls carry their own; the caller's cancellation
/// (a gRPC deadline) ends it sooner, and each lane call is short.
/// </summary>
[Alias("nev.IExperimentGrain")]
public interface IExperimentGrain : IGrainWithIntegerKey
{
    const string ExperimentTimeout = "00:30:00";

    [Alias("sweep"), ResponseTimeout(ExperimentTimeout)]
    Task<SweepResult> RunSweep(SweepSpec spec, string? datasetVersion, Caller caller, CancellationToken cancellationToken = default);

    [Alias("monte-carlo"), ResponseTimeout(ExperimentTimeout)]
    Task<MonteCarloResult> RunMonteCarlo(MonteCarloSpec spec, string? datasetVersion, Caller caller, CancellationToken cancellationToken = default);

    [Alias("sensitivity"), ResponseTimeout(ExperimentTimeout)]
    Task<SensitivityResult> RunSensitivity(SensitivitySpec spec, string? datasetVersion, Caller caller, CancellationToken cancellationToken = default);
}

/// <summary>
/// One lane of the evaluation pool for experiment slices (key: lane number). Lanes are placed at random over the silos, so an
/// experiment's slices spread across the cluster; a lane evaluates one slice at a time.
/// </summary>
[Alias("nev.IEvaluationLaneGrain")]
public interface IEvaluationLaneGrain : IGrainWithIntegerKey
{
    [Alias("evaluate")]
    Task<System.Collections.Immutable.ImmutableArray<ItemResult>> Evaluate(ExperimentWork work, long from, int count, CancellationToken cancellationToken = default);
}
