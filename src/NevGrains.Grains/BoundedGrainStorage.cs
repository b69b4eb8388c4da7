using NevGrains.Contracts;
using Orleans.Storage;

namespace NevGrains.Grains;

/// <summary>
/// A grain storage provider whose every operation answers within <paramref name="timeout"/>: a stalled storage account (or Azurite)
/// then fails a call with <see cref="StorageTimeoutException"/> instead of holding the grain, and every call queued behind it, until
/// the caller's deadline. The stalled operation is not cancelled (it may still land), which the grains handle as an ambiguous write:
/// they reload, and ETags refuse any write made on a stale view.
/// </summary>
public sealed class BoundedGrainStorage(string name, IGrainStorage inner, TimeSpan timeout, TimeProvider time)
    : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    public IGrainStorage Inner { get; } = inner;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Bound(Inner.ReadStateAsync(stateName, grainId, grainState), "read", stateName);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Bound(Inner.WriteStateAsync(stateName, grainId, grainState), "write", stateName);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Bound(Inner.ClearStateAsync(stateName, grainId, grainState), "clear", stateName);

    /// <summary>The wrapped provider's own start-up (creating tables and containers) still runs with the silo.</summary>
    public void Participate(ISiloLifecycle lifecycle) => (Inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);

    private async Task Bound(Task operation, string kind, string stateName)
    {
        try
        {
            await operation.WaitAsync(timeout, time);
        }
        catch (TimeoutException) when (!operation.IsCompleted)
        {
            // Observed later, so a stalled operation that fails in the end is not an unobserved task exception.
            _ = operation.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw new StorageTimeoutException($"storage did not answer within {timeout.TotalSeconds:0.#} s ({kind} of {stateName} in {name}); retry later");
        }
    }
}
