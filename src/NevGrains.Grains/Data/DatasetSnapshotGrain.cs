using NevGrains.Contracts.Data;
using NevGrains.Model.Data;

namespace NevGrains.Grains.Data;

/// <summary>A frozen dataset version: written once, read by every silo that evaluates against it.</summary>
public sealed class DatasetSnapshotGrain(
    [PersistentState("snapshot", StorageNames.Snapshots)] IPersistentState<SnapshotState> state) : Grain, IDatasetSnapshotGrain
{
    public Task<Dataset?> Get() => Task.FromResult(state.State.Dataset);

    public async Task<bool> Put(Dataset dataset)
    {
        if (state.State.Dataset is not null)
        {
            return false; // versions are immutable: never overwritten, never reused with other content
        }
        state.State.Dataset = dataset;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.Dataset = null; // not stored: nobody may read it from this activation
            await StorageReload.TryReload(state);
            throw;
        }
        return true;
    }
}
