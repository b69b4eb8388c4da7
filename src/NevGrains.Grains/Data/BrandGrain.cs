using NevGrains.Contracts.Data;
using NevGrains.Model.Data;

namespace NevGrains.Grains.Data;

/// <summary>One brand's state. Scenario queries about it go to the worker pool, which filters the run to the brand.</summary>
public sealed class BrandGrain(
    [PersistentState("brand", StorageNames.Data)] IPersistentState<BrandState> state,
    TimeProvider time) : VersionedEntityGrain<BrandData, BrandState, BrandSnapshot>(state, time), IBrandGrain
{
    protected override string Kind => "brand";

    protected override string IdOf(BrandData data) => data.Id;

    protected override BrandSnapshot SnapshotOf(BrandData data, long version, DateTimeOffset updatedAt, string updatedBy) =>
        new(data, version, updatedAt, updatedBy);
}
