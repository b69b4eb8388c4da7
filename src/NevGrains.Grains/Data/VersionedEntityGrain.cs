using NevGrains.Contracts.Data;

namespace NevGrains.Grains.Data;

/// <summary>The persisted state of an entity grain: the entity, its version and who changed it last.</summary>
public interface IVersionedState<TData>
    where TData : class
{
    TData? Data { get; set; }

    long Version { get; set; }

    DateTimeOffset UpdatedAt { get; set; }

    string UpdatedBy { get; set; }
}

/// <summary>
/// An entity of the dataset (a market, a brand) with optimistic versioning. The dataset grain validates a change, then writes it
/// here; the entity's state changes only once storage has it, so a failed write leaves the grain serving what storage holds.
/// </summary>
public abstract class VersionedEntityGrain<TData, TState, TSnapshot>(IPersistentState<TState> state, TimeProvider time) : Grain
    where TData : class
    where TState : class, IVersionedState<TData>, new()
{
    /// <summary>What the entity is called in messages (<c>market</c>, <c>brand</c>).</summary>
    protected abstract string Kind { get; }

    private string Id => this.GetPrimaryKeyString();

    protected abstract string IdOf(TData data);

    protected abstract TSnapshot SnapshotOf(TData data, long version, DateTimeOffset updatedAt, string updatedBy);

    public Task<TSnapshot> Get() => Task.FromResult(Snapshot());

    public async Task<TSnapshot> Write(TData data, long expectedVersion, string updatedBy)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (IdOf(data) != Id)
        {
            throw new ArgumentException($"{Kind} '{IdOf(data)}' written to grain '{Id}'", nameof(data));
        }
        if (state.State.Version != expectedVersion)
        {
            throw new VersionConflictException($"{Kind} {Id}", expectedVersion, state.State.Version);
        }
        var s = state.State;
        var previous = (s.Data, s.Version, s.UpdatedAt, s.UpdatedBy);
        (s.Data, s.Version, s.UpdatedAt, s.UpdatedBy) = (data, expectedVersion + 1, time.GetUtcNow(), updatedBy);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Not persisted (storage down, or another activation wrote first): keep serving what storage holds.
            (s.Data, s.Version, s.UpdatedAt, s.UpdatedBy) = previous;
            await StorageReload.TryReload(state);
            throw;
        }
        return Snapshot();
    }

    private TSnapshot Snapshot() => state.State.Data is { } data
        ? SnapshotOf(data, state.State.Version, state.State.UpdatedAt, state.State.UpdatedBy)
        : throw new NotFoundException(Kind, Id);
}
