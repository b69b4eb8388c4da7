using System.Collections.Immutable;
using NevGrains.Contracts.Batches;

namespace NevGrains.Grains.Batches;

[GenerateSerializer, Alias("nev.BatchRegistryState")]
public sealed class BatchRegistryState
{
    [Id(0)] public ImmutableDictionary<string, RunningBatch> Running { get; set; } = ImmutableDictionary<string, RunningBatch>.Empty;
}

/// <summary>Keeps the running batches; starts and ends persist, progress is kept in memory (a restart re-reads it from the batches).</summary>
public sealed class BatchRegistryGrain(
    [PersistentState("registry", StorageNames.Batches)] IPersistentState<BatchRegistryState> state) : Grain, IBatchRegistryGrain
{
    public async Task Started(RunningBatch batch)
    {
        state.State.Running = state.State.Running.SetItem(batch.Id, batch);
        await state.WriteStateAsync();
    }

    public Task Progress(string id, long completed)
    {
        if (state.State.Running.TryGetValue(id, out var batch))
        {
            state.State.Running = state.State.Running.SetItem(id, batch with { Completed = completed });
        }
        return Task.CompletedTask;
    }

    public async Task Finished(string id)
    {
        if (state.State.Running.ContainsKey(id))
        {
            state.State.Running = state.State.Running.Remove(id);
            await state.WriteStateAsync();
        }
    }

    public Task<ImmutableArray<RunningBatch>> Running() => Task.FromResult(state.State.Running.Values.OrderBy(b => b.Id, StringComparer.Ordinal).ToImmutableArray());
}
