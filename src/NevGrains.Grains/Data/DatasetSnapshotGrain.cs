using NevGrains.Contracts.Data;
using NevGrains.Model.Data;

namespace NevGrains.Grains.Data;

/// <summary>A frozen dataset version: written once, read by every silo that evaluates against it.</summary>
public sealed class DatasetSnapshotGrain(
    [PersistentState("snapshot", StorageNames.Snapshots)] IPersistentState<SnapshotState> state) : Grain, IDatasetSnapshotGrain
{
    public Task<Dataset?> Get() => Task.FromResult(state.State.Dataset);

    public async Task Put(Dataset dataset)
    {
        if (state.State.Dataset is not null)
        {
            return; // versions are immutable; a retried publish writes nothing new
        }
        state.State.Dataset = dataset;
        await state.WriteStateAsync();
    }
}
