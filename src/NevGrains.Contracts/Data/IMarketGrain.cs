using NevGrains.Contracts.Scenarios;
using NevGrains.Model.Data;
using NevGrains.Model.Scenarios;

namespace NevGrains.Contracts.Data;

/// <summary>
/// One market (key: market id): holds its state and answers scenario queries about itself. Queries are read-only and interleave;
/// the evaluation runs on the worker pool, so projections never queue behind each other on this activation.
/// </summary>
[Alias("nev.IMarketGrain")]
public interface IMarketGrain : IGrainWithStringKey
{
    [ReadOnly, Alias("get")]
    Task<MarketSnapshot> Get();

    /// <summary>Called by the dataset grain after it validated the change; checks the version again and persists.</summary>
    [Alias("write")]
    Task<MarketSnapshot> Write(MarketData market, long expectedVersion, string updatedBy);

    [ReadOnly, Alias("project")]
    Task<MarketProjection> Project(Scenario scenario, string? datasetVersion, CancellationToken cancellationToken = default);
}

/// <summary>One Chinese brand (key: brand id): its state and its results across markets.</summary>
[Alias("nev.IBrandGrain")]
public interface IBrandGrain : IGrainWithStringKey
{
    [ReadOnly, Alias("get")]
    Task<BrandSnapshot> Get();

    [Alias("write")]
    Task<BrandSnapshot> Write(BrandData brand, long expectedVersion, string updatedBy);

    [ReadOnly, Alias("report")]
    Task<BrandReport> Report(Scenario scenario, string? datasetVersion, CancellationToken cancellationToken = default);
}
