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

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = Key(stateName, grainId);
        store.ThrowIfFailing(key);
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
        grainState.ETag = etag;
        grainState.RecordExists = true;
        return Task.CompletedTask;
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

/// <summary>The rows of a <see cref="SharedMemoryGrainStorage"/>; one per test cluster, outliving its silos.</summary>
public sealed class SharedMemoryStore
{
    public ConcurrentDictionary<string, StoredRow> Rows { get; } = new(StringComparer.Ordinal);

    /// <summary>When set, writes fail as if storage were unreachable.</summary>
    public volatile bool Failing;

    /// <summary>When set, the writes whose row key (<c>provider|state|grain</c>) it accepts fail as if storage were unreachable.</summary>
    public volatile Func<string, bool>? FailingWrites;

    public void ThrowIfFailing(string key = "")
    {
        if (Failing || FailingWrites?.Invoke(key) == true)
        {
            throw new IOException("storage is unavailable (test)");
        }
    }
}
