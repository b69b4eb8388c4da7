using NevGrains.Contracts.Data;
using NevGrains.Model.Data;

namespace NevGrains.Grains.Data;

/// <summary>One market's state. Scenario queries about it go to the worker pool, which filters the run to the market.</summary>
public sealed class MarketGrain(
    [PersistentState("market", StorageNames.Data)] IPersistentState<MarketState> state,
    TimeProvider time) : VersionedEntityGrain<MarketData, MarketState, MarketSnapshot>(state, time), IMarketGrain
{
    protected override string Kind => "market";

    protected override string IdOf(MarketData data) => data.Id;

    protected override MarketSnapshot SnapshotOf(MarketData data, long version, DateTimeOffset updatedAt, string updatedBy) =>
        new(data, version, updatedAt, updatedBy);
}
