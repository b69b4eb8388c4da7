using System.Collections.Concurrent;
using Orleans.Serialization;
using Orleans.Storage;

namespace NevGrains.Grains.Tests.Support;

/// <summary>
/// Grain storage shared by every silo of an in-process cluster and kept outside them, so state survives a silo being stopped
/// or killed, as durable storage would. ETags give the same optimistic concurrency as Azure storage.
/// </summary>
public sealed class SharedMemoryGrainStorage(string name, Serializer serializer, SharedMemoryStore store) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (store.Rows.TryGetValue(Key(stateName, grainId), out var row))
        {
            grainState.State = serializer.Deserialize<T>(row.Data);
            grainState.ETag = row.ETag;
            grainState.RecordExists = true;
        }
        return Task.CompletedTask;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = Key(stateName, grainId);
        var fault = await store.BeforeWrite(key, grainState.State);
        var etag = Guid.NewGuid().ToString("N");
        var data = serializer.SerializeToArray(grainState.State);
        lock (store.Rows)
        {
            var exists = store.Rows.TryGetValue(key, out var row);
            if ((exists ? row!.ETag : null) != grainState.ETag)
            {
                throw new InconsistentStateException($"ETag mismatch for {key}: stored {row?.ETag}, given {grainState.ETag}");
            }
            store.Rows[key] = new StoredRow(data, etag);
        }
        if (fault == StorageFault.FailAfterWrite)
        {
            // Stored, but the caller hears of a failure (a timeout after the request reached storage): state is ambiguous to it.
            throw new IOException($"storage did not confirm the write of {key} (test)");
        }
        grainState.ETag = etag;
        grainState.RecordExists = true;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        store.Rows.TryRemove(Key(stateName, grainId), out _);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    private string Key(string stateName, GrainId grainId) => $"{name}|{stateName}|{grainId}";
}

public sealed record StoredRow(byte[] Data, string ETag);

/// <summary>What an injected fault does to a write.</summary>
public enum StorageFault
{
    /// <summary>Nothing is stored and the write fails (storage unreachable).</summary>
    FailBeforeWrite,
    /// <summary>The row is stored but the write fails (the answer was lost): the writer cannot tell which happened.</summary>
    FailAfterWrite,
    /// <summary>The write waits until <see cref="SharedMemoryStore.ReleaseHangs"/> (a stalled storage), then goes through.</summary>
    Hang,
}

/// <summary>The rows of a <see cref="SharedMemoryGrainStorage"/>; one per test cluster, outliving its silos, with injectable write faults.</summary>
public sealed class SharedMemoryStore
{
    private readonly List<FaultRule> _rules = [];
    private TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _injected;
    private int _hanging;

    public ConcurrentDictionary<string, StoredRow> Rows { get; } = new(StringComparer.Ordinal);

    /// <summary>Faults injected so far.</summary>
    public int Injected => Volatile.Read(ref _injected);

    /// <summary>Writes waiting in a <see cref="StorageFault.Hang"/> now.</summary>
    public int Hanging => Volatile.Read(ref _hanging);

    /// <summary>
    /// The next <paramref name="times"/> writes whose row key (<c>provider|state|grain</c>) contains <paramref name="keyPart"/>, after
    /// <paramref name="skip"/> such writes go through, suffer <paramref name="fault"/>; every <paramref name="every"/>-th matching write
    /// from then on, so faults interleave with writes that succeed.
    /// </summary>
    public void Inject(string keyPart, StorageFault fault, int times, int skip = 0, int every = 1) =>
        Inject((key, _) => key.Contains(keyPart, StringComparison.Ordinal), fault, times, skip, every);

    /// <summary>As above, for the writes <paramref name="matches"/> accepts by row key and the state being written.</summary>
    public void Inject(Func<string, object?, bool> matches, StorageFault fault, int times, int skip = 0, int every = 1)
    {
        lock (_rules)
        {
            _rules.Add(new FaultRule(matches, fault, times, skip, Math.Max(1, every)));
        }
    }

    /// <summary>Faults not yet injected are dropped; hanging writes go on.</summary>
    public void ClearFaults()
    {
        lock (_rules)
        {
            _rules.Clear();
        }
        ReleaseHangs();
    }

    public void ReleaseHangs()
    {
        var released = Interlocked.Exchange(ref _released, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        released.TrySetResult();
    }

    /// <summary>Applies the fault due for this write, if any: throws, waits, or tells the writer to fail once the row is stored.</summary>
    internal async Task<StorageFault?> BeforeWrite(string key, object? written)
    {
        StorageFault? fault = null;
        Task released;
        lock (_rules)
        {
            released = _released.Task;
            foreach (var rule in _rules)
            {
                if (rule.Remaining > 0 && rule.Matches(key, written) && rule.Due())
                {
                    rule.Remaining--;
                    fault = rule.Fault;
                    _injected++;
                    break;
                }
            }
        }
        switch (fault)
        {
            case StorageFault.FailBeforeWrite:
                throw new IOException($"storage is unavailable for {key} (test)");
            case StorageFault.Hang:
                Interlocked.Increment(ref _hanging);
                try
                {
                    await released;
                }
                finally
                {
                    Interlocked.Decrement(ref _hanging);
                }
                break;
        }
        return fault;
    }

    private sealed class FaultRule(Func<string, object?, bool> matches, StorageFault fault, int times, int skip, int every)
    {
        private int _seen;

        public Func<string, object?, bool> Matches { get; } = matches;
        public StorageFault Fault { get; } = fault;
        public int Remaining { get; set; } = times;

        /// <summary>Counts a matching write; true when this one is to fail.</summary>
        public bool Due()
        {
            var n = _seen++;
            return n >= skip && (n - skip) % every == 0;
        }
    }
}
