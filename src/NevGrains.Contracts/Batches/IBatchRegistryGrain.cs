using System.Collections.Immutable;

namespace NevGrains.Contracts.Batches;

/// <summary>A running batch as the registry last heard of it.</summary>
[GenerateSerializer, Immutable, Alias("nev.RunningBatch")]
public sealed record RunningBatch(
    [property: Id(0)] string Id,
    [property: Id(1)] string Owner,
    [property: Id(2)] long Total,
    [property: Id(3)] long Completed);

/// <summary>
/// The cluster's list of running batches (key <see cref="Key"/>): per-caller concurrency limits, pending work for the cluster
/// status and autoscaling. Batches report start, progress (at their flush interval) and end.
/// </summary>
[Alias("nev.IBatchRegistryGrain")]
public interface IBatchRegistryGrain : IGrainWithStringKey
{
    const string Key = "registry";

    /// <summary>Records a batch that runs (again, after its silo went away): no limit applies.</summary>
    [Alias("started")]
    Task Started(RunningBatch batch);

    /// <summary>
    /// Records a new batch if its owner runs fewer than <paramref name="limit"/> batches: the check and the record are one step, so
    /// simultaneous submissions of one caller never pass the limit together. True if recorded (or already recorded).
    /// </summary>
    [Alias("try-start")]
    Task<bool> TryStart(RunningBatch batch, int limit);

    [OneWay, Alias("progress")]
    Task Progress(string id, long completed);

    [Alias("finished")]
    Task Finished(string id);

    [ReadOnly, Alias("running")]
    Task<ImmutableArray<RunningBatch>> Running();
}
