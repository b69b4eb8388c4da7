using System.Collections.Immutable;
using NevGrains.Contracts.Batches;
using NevGrains.Grains.Compute;
using NevGrains.Grains.Data;
using NevGrains.Model.Experiments;
using NevGrains.Model.Scenarios;

namespace NevGrains.Grains.Batches;

/// <summary>
/// A chunk of a batch: the unit of parallel work. Random placement spreads chunks over every silo, new silos included. It
/// evaluates its items inline with the experiments' item evaluator and persists its results in one write; it counts as done
/// only once storage has them, so a retry after a failed write evaluates again, and a chunk run again after it is done only
/// reports its count (no duplicates).
/// </summary>
[Orleans.Placement.RandomPlacement]
public sealed class BatchChunkGrain(
    [PersistentState("chunk", StorageNames.Batches)] IPersistentState<BatchChunkState> state,
    BaselineCache cache,
    ComputeGate gate,
    BatchMetrics metrics,
    ILocalSiloDetails silo) : Grain, IBatchChunkGrain
{
    public async Task SetInputs(ImmutableArray<Scenario> scenarios)
    {
        if (state.State.Done)
        {
            return;
        }
        var previous = state.State.Inputs;
        state.State.Inputs = scenarios;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.Inputs = previous;
            await StorageReload.TryReload(state);
            throw;
        }
    }

    public Task<ImmutableArray<Scenario>> GetInputs() => Task.FromResult(state.State.Inputs);

    public Task<ImmutableArray<BatchItemResult>> GetResults() => Task.FromResult(state.State.Done ? state.State.Results : []);

    public async Task<ChunkOutcome> Run(ChunkWork work, CancellationToken cancellationToken = default)
    {
        if (state.State.Done)
        {
            return Outcome();
        }
        var compiled = await cache.Get(work.Work.DatasetVersion, cancellationToken);
        var items = work.Work.Kind == ExperimentKind.Scenarios ? work.Work with { Scenarios = state.State.Inputs, ScenariosFrom = work.From } : work.Work;
        var results = await gate.RunItems(items, compiled, work.From, work.Count, work.Owner, cancellationToken);

        var s = state.State;
        var previous = (s.Results, s.Done, s.Silo, s.Inputs);
        s.Results = [.. results.Select(r => BatchItemResult.Of(r, compiled.Version))];
        s.Done = true;
        s.Silo = silo.SiloAddress.ToString();
        s.Inputs = []; // inputs are no longer needed once results exist
        try
        {
            await state.WriteStateAsync(); // not cancellable: a write cut short would leave storage's state unknown
        }
        catch
        {
            // Not stored: nobody may see these results, and the batch's retry must evaluate the chunk again (or find them
            // stored, if the write landed after all: reloading also refreshes the ETag for the next write).
            (s.Results, s.Done, s.Silo, s.Inputs) = previous;
            await StorageReload.TryReload(state);
            throw;
        }
        metrics.ChunkEvaluated(s.Results.Length);
        return Outcome();
    }

    private ChunkOutcome Outcome() => new(state.State.Results.Length, state.State.Results.Count(r => r.Error is not null), state.State.Silo);
}
