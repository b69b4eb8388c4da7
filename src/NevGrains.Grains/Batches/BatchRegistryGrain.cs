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
    public Task Started(RunningBatch batch) => Write(state.State.Running.SetItem(batch.Id, batch));

    public async Task<bool> TryStart(RunningBatch batch, int limit)
    {
        if (state.State.Running.ContainsKey(batch.Id))
        {
            return true;
        }
        if (state.State.Running.Values.Count(b => b.Owner == batch.Owner) >= limit)
        {
            return false;
        }
        await Write(state.State.Running.SetItem(batch.Id, batch));
        return true;
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
            await Write(state.State.Running.Remove(id));
        }
    }

    /// <summary>The new list, seen by callers only once storage has it; a failed write puts the old one back and reloads.</summary>
    private async Task Write(ImmutableDictionary<string, RunningBatch> running)
    {
        var previous = state.State.Running;
        state.State.Running = running;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.Running = previous;
            await StorageReload.TryReload(state);
            throw;
        }
    }

    public Task<ImmutableArray<RunningBatch>> Running() => Task.FromResult(state.State.Running.Values.OrderBy(b => b.Id, StringComparer.Ordinal).ToImmutableArray());
}
