using NevGrains.Contracts;
using NevGrains.Contracts.Data;
using NevGrains.Contracts.Scenarios;
using NevGrains.Grains.Compute;
using NevGrains.Grains.Data;
using NevGrains.Model.Calibration;
using NevGrains.Model.Engine;
using NevGrains.Model.Results;
using NevGrains.Model.Scenarios;

namespace NevGrains.Grains.Scenarios;

/// <summary>
/// The evaluation pool. A stateless worker: Orleans runs up to one activation per core on each silo and routes calls to a local
/// one, so scenario queries never queue behind a brand or market grain. The model is pure; the worker resolves the version,
/// runs, and filters the result before it leaves the silo. Every model run waits for its turn at the silo's <see cref="ComputeGate"/>
/// (interactive class) and runs off the activation's scheduler, so the caller's cancellation (its gRPC deadline) reaches the run
/// and stops it between model years. One reentrant activation per silo: requests wait in the gate, where callers take turns,
/// not in activation queues, where they would not; and Orleans routes a cancellation to a stateless worker's grain id, not to
/// the activation running the call (dotnet/orleans#9877), so with more than one activation it would often miss.
/// </summary>
[StatelessWorker(1), Reentrant]
public sealed class ScenarioWorkerGrain(BaselineCache cache, BaseRunCache bases, ComputeGate gate, ILocalSiloDetails silo) : Grain, IScenarioWorkerGrain
{
    public async Task<ScenarioResult> Run(Scenario scenario, string? datasetVersion, ResultFilter? filter = null, CancellationToken cancellationToken = default)
    {
        var compiled = await cache.Get(datasetVersion, cancellationToken);
        var checkedFilter = Checked(filter, compiled, scenario);
        return await Compute(ct => checkedFilter.Apply(ScenarioEngine.Run(compiled, scenario, cancellationToken: ct)), cancellationToken);
    }

    public async Task<Comparison> Compare(Scenario scenario, string? datasetVersion, ResultFilter? filter = null, CancellationToken cancellationToken = default)
    {
        var compiled = await cache.Get(datasetVersion, cancellationToken);
        var checkedFilter = Checked(filter, compiled, scenario);
        ScenarioValidator.EnsureValid(scenario, compiled);
        var baseline = bases.BaseOf(compiled, scenario); // cached, or run at the gate beside the scenario
        var result = await Compute(ct => ScenarioEngine.RunValidated(compiled, scenario, ct), cancellationToken);
        var baseResult = await baseline.WaitAsync(cancellationToken);
        return await OffTurn(() => checkedFilter.Apply(Comparison.Of(baseResult, result)), cancellationToken);
    }

    public async Task<Explanation> Explain(Scenario scenario, ExplainedMetric metric, string? datasetVersion, ResultFilter? filter = null,
        CancellationToken cancellationToken = default)
    {
        var compiled = await cache.Get(datasetVersion, cancellationToken);
        var checkedFilter = Checked(filter, compiled, scenario);
        var plan = Explainer.Plan(compiled, scenario, metric: metric);
        // Each of the 2^n runs takes its own turn, so a 128-run explanation never holds a core while another caller waits.
        var results = await Task.WhenAll(Enumerable.Range(0, plan.RunCount).Select(mask => Compute(ct => plan.Run(mask, ct), cancellationToken)));
        return await OffTurn(() => checkedFilter.Apply(plan.Combine(results)), cancellationToken);
    }

    private Task<T> Compute<T>(Func<CancellationToken, T> work, CancellationToken cancellationToken) =>
        gate.Run(ComputeClass.Interactive, CallerOnCall.Current, work, cancellationToken);

    /// <summary>
    /// Work on results that is not a model run (combining, filtering): on the thread pool, so the one activation's turns stay
    /// short for the other calls it interleaves.
    /// </summary>
    private static Task<T> OffTurn<T>(Func<T> work, CancellationToken cancellationToken) => Task.Run(work, cancellationToken);

    /// <summary>The filter, once its ids and years are known to the dataset and the run: a typo is an error, not an empty answer.</summary>
    private static ResultFilter Checked(ResultFilter? filter, CompiledBaseline compiled, Scenario scenario)
    {
        if (filter is null || filter.IsAll)
        {
            return ResultFilter.All;
        }
        filter.EnsureValid(compiled, Math.Clamp(ScenarioValidator.HorizonOf(scenario, compiled), compiled.BaseYear + 1, compiled.MaxHorizon));
        return filter;
    }

    public async Task<MarketProjection> ProjectMarket(string market, Scenario scenario, string? datasetVersion, CancellationToken cancellationToken = default)
    {
        var compiled = await cache.Get(datasetVersion, cancellationToken);
        if (!compiled.Markets.Any(m => m.Id == market))
        {
            throw new NotFoundException("market", market); // before any work
        }
        var only = new ResultFilter([], [market], []);
        var result = await Compute(ct => only.Apply(ScenarioEngine.Run(compiled, scenario, cancellationToken: ct)), cancellationToken);
        return new MarketProjection(market, result.Scenario, result.DatasetVersion, result.Markets, result.Cells, result.Diagnostics);
    }

    public async Task<BrandReport> ReportBrand(string brand, Scenario scenario, string? datasetVersion, CancellationToken cancellationToken = default)
    {
        var compiled = await cache.Get(datasetVersion, cancellationToken);
        if (!compiled.Brands.Any(b => b.Id == brand))
        {
            throw new NotFoundException("brand", brand);
        }
        var only = new ResultFilter([brand], [], []);
        var result = await Compute(ct => only.Apply(ScenarioEngine.Run(compiled, scenario, cancellationToken: ct)), cancellationToken);
        return new BrandReport(brand, result.Scenario, result.DatasetVersion, result.Brands, result.Cells, result.Plants, result.Diagnostics);
    }

    public async Task<CalibrationReport> Calibration(string? datasetVersion, CancellationToken cancellationToken = default)
    {
        var compiled = await cache.Get(datasetVersion, cancellationToken);
        return CalibrationCheck.Report(compiled);
    }

    public Task<string> Where() => Task.FromResult(silo.SiloAddress.ToString());
}
