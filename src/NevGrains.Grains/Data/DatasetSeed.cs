using NevGrains.Model.Data;

namespace NevGrains.Grains.Data;

/// <summary>Where a cluster with empty storage takes its first dataset from: the shipped baseline, unless a host says otherwise.</summary>
public sealed class DatasetSeed(Func<Dataset> load)
{
    public static DatasetSeed Shipped { get; } = new(DatasetLoader.LoadEmbeddedBaseline);

    public static DatasetSeed FromFolder(string folder) => new(() => DatasetLoader.LoadFolder(folder));

    public Dataset Load() => load();
}
