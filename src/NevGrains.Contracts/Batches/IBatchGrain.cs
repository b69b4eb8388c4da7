using System.Collections.Immutable;
using NevGrains.Model.Scenarios;

namespace NevGrains.Contracts.Batches;

/// <summary>
/// A durable batch (key: batch id). Its spec and progress persist; chunks are dispatched to the worker pool with a bounded number
/// in flight; a reminder wakes it after a silo or cluster restart so it resumes where its persisted progress says.
/// </summary>
[Alias("nev.IBatchGrain")]
public interface IBatchGrain : IGrainWithStringKey
{
    /// <summary>Starts the batch; submitting the same id again returns its status without starting it twice.</summary>
    [Alias("submit")]
    Task<BatchStatus> Submit(BatchSpec spec, string owner);

    [AlwaysInterleave, Alias("status")]
    Task<BatchStatus?> GetStatus();

    [Alias("cancel")]
    Task<BatchStatus> Cancel();
}

/// <summary>
/// One chunk of a batch (key: <c>{batchId}/{chunk}</c>): its input scenarios (for scenario-list batches) and, once evaluated,
/// its results. Chunks are the batch's unit of parallel work: each is its own activation, placed at random across silos.
/// Results are stored once: a chunk asked to run again after it is done only reports its count.
/// </summary>
[Alias("nev.IBatchChunkGrain")]
public interface IBatchChunkGrain : IGrainWithStringKey
{
    [Alias("set-inputs")]
    Task SetInputs(ImmutableArray<Scenario> scenarios);

    [ReadOnly, Alias("inputs")]
    Task<ImmutableArray<Scenario>> GetInputs();

    /// <summary>Evaluates the chunk (once: a chunk already done returns at once) and persists its results.</summary>
    [Alias("run")]
    Task<ChunkOutcome> Run(ChunkWork work, CancellationToken cancellationToken = default);

    /// <summary>The chunk's results in index order, or empty while it is not done.</summary>
    [ReadOnly, Alias("results")]
    Task<ImmutableArray<BatchItemResult>> GetResults();

    public static string KeyOf(string batchId, int chunk) => $"{batchId}/{chunk}";
}
