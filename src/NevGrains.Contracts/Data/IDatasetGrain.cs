using NevGrains.Model.Data;

namespace NevGrains.Contracts.Data;

/// <summary>
/// The dataset's coordinator (key <see cref="Key"/>): knows the current version and every entity's version, validates and applies
/// changes one at a time against the whole dataset, and publishes an immutable snapshot per version.
/// </summary>
[Alias("nev.IDatasetGrain")]
public interface IDatasetGrain : IGrainWithStringKey
{
    const string Key = "baseline";

    [ReadOnly, Alias("info")]
    Task<DatasetInfo> GetInfo();

    /// <summary>Replaces a market if its current version is <paramref name="expectedVersion"/>; throws <see cref="VersionConflictException"/> otherwise.</summary>
    [Alias("update-market")]
    Task<EntityVersion> UpdateMarket(MarketData market, long expectedVersion, string updatedBy);

    [Alias("update-brand")]
    Task<EntityVersion> UpdateBrand(BrandData brand, long expectedVersion, string updatedBy);

    /// <summary>Replaces the whole dataset (a new baseline); every entity's version moves on.</summary>
    [Alias("import")]
    Task<DatasetInfo> Import(Dataset dataset, string updatedBy);
}

/// <summary>One dataset version, frozen (key: the version string). Silos fetch it once per version and compile it.</summary>
[Alias("nev.IDatasetSnapshotGrain")]
public interface IDatasetSnapshotGrain : IGrainWithStringKey
{
    [ReadOnly, Alias("get")]
    Task<Dataset?> Get();

    /// <summary>
    /// Stores the version's content once it is durable; false when the version already holds a dataset (written by an earlier
    /// publish that did not complete), so the publisher takes the next number instead of reusing this one.
    /// </summary>
    [Alias("put-once")]
    Task<bool> Put(Dataset dataset);
}
