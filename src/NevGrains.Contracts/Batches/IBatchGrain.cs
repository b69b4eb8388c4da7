using System.Collections.Immutable;
using NevGrains.Model.Scenarios;
using NevGrains.Contracts;

namespace NevGrains.Contracts.Batches;

/// <summary>
/// A durable batch (key: batch id). Its spec and progress persist; its chunk grains evaluate their items with a bounded number in
/// flight; a reminder wakes it after a silo or cluster restart so it resumes where its persisted progress says. It applies the
/// request rules itself: the caller's batch-size and concurrency limits at submission, ownership on every read and cancel. It
/// streams its own results, so a reader waits on the batch's progress, not on a polling loop.
/// </summary>
[Alias("nev.IBatchGrain")]
public interface IBatchGrain : IGrainWithStringKey
{
    /// <summary>
    /// Starts the batch for <paramref name="caller"/>; submitting the same id again returns its status without starting it twice.
    /// Issues name the spec's fields (<c>spec.scenarios.scenarios[3].levers[0].rate</c>).
    /// </summary>
    /// <remarks>A submission of 200,000 scenarios validates and stores every item before it answers: longer than Orleans' default
    /// 30-second response timeout on a busy machine.</remarks>
    [ResponseTimeout("00:05:00"), Alias("submit")]
    Task<BatchStatus> Submit(BatchSpec spec, Caller caller);

    /// <summary>The batch's status for its owner (or an admin); NotFound or AccessDenied otherwise.</summary>
    [AlwaysInterleave, Alias("status-for")]
    Task<BatchStatus> Status(Caller caller);

    /// <summary>The batch's status, null when it does not exist: for the cluster's own use (waking it, tests), not for callers.</summary>
    [AlwaysInterleave, Alias("status")]
    Task<BatchStatus?> GetStatus();

    [Alias("cancel")]
    Task<BatchStatus> Cancel(Caller caller);

    /// <summary>
    /// The batch's results for its owner (or an admin), in index order from <paramref name="from"/>, pushed as chunks are stored:
    /// a result is sent only once storage has it. The stream waits for chunks still running and ends after the last result; on a
    /// cancelled batch it ends after the results that exist (there are gaps). An index at or past the total ends it at once.
    /// </summary>
    [Alias("results")]
    IAsyncEnumerable<BatchItemResult> Results(Caller caller, long from, CancellationToken cancellationToken = default);
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

    static string KeyOf(string batchId, int chunk) => $"{batchId}/{chunk}";
}
