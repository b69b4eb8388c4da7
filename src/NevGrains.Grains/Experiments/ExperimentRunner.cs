using System.Collections.Immutable;
using NevGrains.Contracts;
using NevGrains.Contracts.Experiments;
using NevGrains.Model.Engine;
using NevGrains.Model.Experiments;
using NevGrains.Model.Scenarios;

namespace NevGrains.Grains.Experiments;

/// <summary>
/// The experiment runner's steps, shared by interactive experiments and batches: validate once (issues named by the request's
/// path), check the caller's limit, slice, evaluate the slices with a bounded fan-out, and hand the items, in index order, to the
/// model's assembler. Batches use the same validation and item evaluator; their slices are durable chunks.
/// </summary>
internal static class ExperimentRunner
{
    /// <summary>Scenario runs per slice: small enough that one lane call stays far inside Orleans' response timeout on a busy machine.</summary>
    private const int RunsPerSlice = 4;

    /// <summary>Throws a <see cref="ScenarioException"/> whose issues carry <paramref name="path"/> (the spec's path in the request).</summary>
    public static void Validate(ExperimentWork work, CompiledBaseline compiled, string path)
    {
        var issues = ExperimentItems.Validate(work, compiled);
        if (issues.Count > 0)
        {
            throw new ScenarioException([.. issues.Select(i => i.Under(path))]);
        }
    }

    public static void CheckLimit(ExperimentWork work, Caller caller, string what)
    {
        var items = work.ItemCount;
        var runs = items > long.MaxValue / work.RunsPerItem ? long.MaxValue : items * work.RunsPerItem;
        if (runs > caller.Limits.MaxExperimentRuns)
        {
            throw new CallerLimitExceededException($"{runs} {what}; at most {caller.Limits.MaxExperimentRuns} in one call: submit a batch instead");
        }
    }

    /// <summary>
    /// Evaluates every item on <paramref name="lanes"/> lanes in parallel. Each parallel loop owns one lane, starting at a random
    /// lane so concurrent experiments share the pool evenly; items come back in index order.
    /// </summary>
    public static async Task<ImmutableArray<ItemResult>> Evaluate(IGrainFactory grains, ExperimentWork work, int lanes, CancellationToken cancellationToken)
    {
        var count = work.ItemCount;
        if (count <= 0)
        {
            return [];
        }
        var perSlice = Math.Max(1, RunsPerSlice / work.RunsPerItem);
        var sliceSize = (int)Math.Clamp((count + lanes - 1) / Math.Max(1, lanes), 1, perSlice);
        var slices = (int)((count + sliceSize - 1) / sliceSize);
        var results = new ImmutableArray<ItemResult>[slices];
        var offset = Random.Shared.Next(lanes);
        var parallelism = Math.Min(lanes, slices);
        var options = new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken, TaskScheduler = TaskScheduler.Current };
        var next = -1;
        await Parallel.ForEachAsync(Enumerable.Range(0, parallelism), options, async (loop, ct) =>
        {
            var lane = grains.GetGrain<IEvaluationLaneGrain>((offset + loop) % lanes);
            for (var slice = Interlocked.Increment(ref next); slice < slices; slice = Interlocked.Increment(ref next))
            {
                var from = (long)slice * sliceSize;
                results[slice] = await lane.Evaluate(work, from, (int)Math.Min(sliceSize, count - from), ct);
            }
        });
        return [.. results.SelectMany(r => r)];
    }
}
