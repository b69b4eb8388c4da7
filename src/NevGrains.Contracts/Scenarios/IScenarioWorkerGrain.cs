using NevGrains.Model.Calibration;
using NevGrains.Model.Results;
using NevGrains.Model.Scenarios;

namespace NevGrains.Contracts.Scenarios;

/// <summary>
/// The evaluation pool: a stateless worker, so each silo runs as many activations as it has cores and calls go to a local one.
/// Every call names a dataset version (null: the current one); every result records the version it used. A result filter
/// travels with the call and is applied here, so only the cells a caller asked for leave the silo.
/// </summary>
[Alias("nev.IScenarioWorkerGrain")]
public interface IScenarioWorkerGrain : IGrainWithIntegerKey
{
    [Alias("run")]
    Task<ScenarioResult> Run(Scenario scenario, string? datasetVersion, ResultFilter? filter = null, CancellationToken cancellationToken = default);

    /// <summary>A scenario against its base (no levers; the scenario's horizon and parameters) on one dataset version.</summary>
    [Alias("compare")]
    Task<Comparison> Compare(Scenario scenario, string? datasetVersion, ResultFilter? filter = null, CancellationToken cancellationToken = default);

    [Alias("explain")]
    Task<Explanation> Explain(Scenario scenario, ExplainedMetric metric, string? datasetVersion, ResultFilter? filter = null,
        CancellationToken cancellationToken = default);

    /// <summary>One market under a scenario: its totals and every alternative's cells; NotFound for a market the version lacks.</summary>
    [Alias("project-market")]
    Task<MarketProjection> ProjectMarket(string market, Scenario scenario, string? datasetVersion, CancellationToken cancellationToken = default);

    /// <summary>One brand under a scenario: its totals, cells and plants; NotFound for a brand the version lacks.</summary>
    [Alias("report-brand")]
    Task<BrandReport> ReportBrand(string brand, Scenario scenario, string? datasetVersion, CancellationToken cancellationToken = default);

    [Alias("calibration")]
    Task<CalibrationReport> Calibration(string? datasetVersion, CancellationToken cancellationToken = default);

    /// <summary>Which silo this worker runs on (cluster status and tests of work placement).</summary>
    [Alias("where")]
    Task<string> Where();
}
