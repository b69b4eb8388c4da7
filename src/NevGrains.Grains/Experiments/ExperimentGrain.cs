using NevGrains.Contracts;
using NevGrains.Contracts.Experiments;
using NevGrains.Grains.Data;
using NevGrains.Model.Experiments;

namespace NevGrains.Grains.Experiments;

/// <summary>The coordinator of experiments answered in one call; see <see cref="IExperimentGrain"/>.</summary>
[StatelessWorker, Reentrant]
public sealed class ExperimentGrain(BaselineCache cache, IClusterMembershipService membership) : Grain, IExperimentGrain
{
    public async Task<SweepResult> RunSweep(SweepSpec spec, string? datasetVersion, Caller caller, CancellationToken cancellationToken = default)
    {
        var (work, items) = await Run(new ExperimentWork(ExperimentKind.Sweep, "", Sweep: spec), datasetVersion, caller, "sweep", "sweep points",
            cancellationToken);
        return ExperimentItems.AssembleSweep(spec, work.DatasetVersion, items);
    }

    public async Task<MonteCarloResult> RunMonteCarlo(MonteCarloSpec spec, string? datasetVersion, Caller caller, CancellationToken cancellationToken = default)
    {
        var (work, items) = await Run(new ExperimentWork(ExperimentKind.MonteCarlo, "", MonteCarlo: spec), datasetVersion, caller, "monteCarlo",
            "scenario runs (two per draw)", cancellationToken);
        return ExperimentItems.SummarizeMonteCarlo(spec, work.DatasetVersion, items);
    }

    public async Task<SensitivityResult> RunSensitivity(SensitivitySpec spec, string? datasetVersion, Caller caller, CancellationToken cancellationToken = default)
    {
        var (work, items) = await Run(new ExperimentWork(ExperimentKind.Sensitivity, "", Sensitivity: spec), datasetVersion, caller, "",
            "scenario runs", cancellationToken);
        return ExperimentItems.SummarizeSensitivity(spec, work.DatasetVersion, items);
    }

    /// <summary>Pins the version (every slice uses the same data), validates once, checks the limit, evaluates.</summary>
    private async Task<(ExperimentWork Work, IReadOnlyList<ItemResult> Items)> Run(ExperimentWork work, string? datasetVersion, Caller caller,
        string path, string what, CancellationToken cancellationToken)
    {
        var compiled = await cache.Get(datasetVersion, cancellationToken);
        work = work with { DatasetVersion = compiled.Version };
        ExperimentRunner.CheckLimit(work, caller, what); // first: refusing an oversized experiment costs nothing
        ExperimentRunner.Validate(work, compiled, path);
        var items = await ExperimentRunner.Evaluate(GrainFactory, work, Lanes(), cancellationToken);
        return (work, items);
    }

    /// <summary>Two lanes per core of every active silo (cores counted on this one): enough to keep every core busy.</summary>
    private int Lanes()
    {
        var silos = membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);
        return Math.Max(2, Math.Max(1, silos) * Environment.ProcessorCount * 2);
    }
}
