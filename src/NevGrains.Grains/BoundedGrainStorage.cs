using NevGrains.Contracts;
using Orleans.Storage;

namespace NevGrains.Grains;

/// <summary>
/// A grain storage provider whose every operation answers within <paramref name="timeout"/>: a stalled storage account (or Azurite)
/// then fails a call with <see cref="StorageTimeoutException"/> instead of holding the grain, and every call queued behind it, until
/// the caller's deadline. The provider works on a detached copy of the grain's state record, copied back only if it answers in time,
/// so an operation that lands after the timeout cannot change what the grain holds; it is cancelled at the timeout, and a write may
/// still have reached storage, which the grains treat as ambiguous (they reload, and ETags refuse writes made on a stale view).
/// </summary>
public sealed class BoundedGrainStorage(IGrainStorage inner, TimeSpan timeout, TimeProvider time)
    : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    public IGrainStorage Inner { get; } = inner;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken) =>
        Bound(grainState, (copy, token) => Inner.ReadStateAsync(stateName, grainId, copy, token), cancellationToken);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken) =>
        Bound(grainState, (copy, token) => Inner.WriteStateAsync(stateName, grainId, copy, token), cancellationToken);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken) =>
        Bound(grainState, (copy, token) => Inner.ClearStateAsync(stateName, grainId, copy, token), cancellationToken);

    /// <summary>The wrapped provider's own start-up (creating tables and containers) still runs with the silo.</summary>
    public void Participate(ISiloLifecycle lifecycle) => (Inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);

    public void Dispose() => (Inner as IDisposable)?.Dispose();

    private async Task Bound<T>(IGrainState<T> grainState, Func<IGrainState<T>, CancellationToken, Task> run, CancellationToken cancellationToken)
    {
        var copy = new DetachedState<T>(grainState);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout);
        var operation = run(copy, bounded.Token);
        try
        {
            await operation.WaitAsync(timeout, time, cancellationToken);
        }
        catch (Exception ex) when (!operation.IsCompleted && !cancellationToken.IsCancellationRequested && ex is TimeoutException)
        {
            // Observed later, so a stalled operation that fails in the end is not an unobserved task exception.
            _ = operation.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw new StorageTimeoutException($"storage did not answer within {timeout.TotalSeconds:0.#} s; retry later");
        }
        catch (OperationCanceledException) when (bounded.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new StorageTimeoutException($"storage did not answer within {timeout.TotalSeconds:0.#} s; retry later");
        }
        (grainState.State, grainState.ETag, grainState.RecordExists) = (copy.State, copy.ETag, copy.RecordExists);
    }

    /// <summary>The grain's state record as the provider sees it: the same state object, but its own ETag and existence flag.</summary>
    private sealed class DetachedState<T>(IGrainState<T> from) : IGrainState<T>
    {
        [System.Diagnostics.CodeAnalysis.AllowNull]
        public T State { get; set; } = from.State;
        public string? ETag { get; set; } = from.ETag;
        public bool RecordExists { get; set; } = from.RecordExists;
    }
}
