namespace NevGrains.Grains;

/// <summary>The grain storage providers the grains use; hosts register them (memory, Azure Table or Azure Blob).</summary>
public static class StorageNames
{
    /// <summary>Brand, market and dataset state (small, many writes of one entity): Azure Table in a cluster.</summary>
    public const string Data = "data";

    /// <summary>Frozen dataset versions (one large write per version): Azure Blob in a cluster.</summary>
    public const string Snapshots = "snapshots";

    /// <summary>Batch progress and chunk inputs and results: Azure Table in a cluster.</summary>
    public const string Batches = "batches";
}
