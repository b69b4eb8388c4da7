using NevGrains.Model.Data;

namespace NevGrains.Contracts.Data;

/// <summary>
/// One market (key: market id): holds its state with a version. Scenario queries about a market go to the worker pool
/// (<see cref="Scenarios.IScenarioWorkerGrain.ProjectMarket"/>), so they never queue behind this activation.
/// </summary>
[Alias("nev.IMarketGrain")]
public interface IMarketGrain : IGrainWithStringKey
{
    [ReadOnly, Alias("get")]
    Task<MarketSnapshot> Get();

    /// <summary>Called by the dataset grain after it validated the change; checks the version again and persists.</summary>
    [Alias("write")]
    Task<MarketSnapshot> Write(MarketData market, long expectedVersion, string updatedBy);
}

/// <summary>One Chinese brand (key: brand id): its state with a version; its results come from the worker pool.</summary>
[Alias("nev.IBrandGrain")]
public interface IBrandGrain : IGrainWithStringKey
{
    [ReadOnly, Alias("get")]
    Task<BrandSnapshot> Get();

    [Alias("write")]
    Task<BrandSnapshot> Write(BrandData brand, long expectedVersion, string updatedBy);
}
