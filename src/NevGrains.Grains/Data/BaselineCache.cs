using System.Collections.Concurrent;
using NevGrains.Contracts.Data;
using NevGrains.Model.Engine;

namespace NevGrains.Grains.Data;

/// <summary>
/// Per silo: the compiled baseline of each dataset version in use, fetched once from its snapshot grain, and the current version,
/// refreshed at most every <see cref="RefreshInterval"/> so queries do not all call the dataset grain.
/// </summary>
public sealed partial class BaselineCache(IGrainFactory grains, TimeProvider time, ILogger<BaselineCache> logger)
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);
    private const int MaxVersions = 4;

    private readonly ConcurrentDictionary<string, Lazy<Task<CompiledBaseline>>> _compiled = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _lastUse = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile string? _current;
    private long _currentAt;

    /// <summary>The compiled baseline of a version (null: the current one); throws <see cref="NotFoundException"/> for an unknown version.</summary>
    public async ValueTask<CompiledBaseline> Get(string? version, CancellationToken cancellationToken = default)
    {
        version ??= await CurrentVersion(cancellationToken);
        var lazy = _compiled.GetOrAdd(version, v => new Lazy<Task<CompiledBaseline>>(() => Load(v)));
        try
        {
            var compiled = await lazy.Value.WaitAsync(cancellationToken);
            _lastUse[version] = time.GetTimestamp(); // only versions that exist: unknown ones must not grow the cache
            return compiled;
        }
        catch (NotFoundException)
        {
            _compiled.TryRemove(new KeyValuePair<string, Lazy<Task<CompiledBaseline>>>(version, lazy));
            throw;
        }
        catch (Exception) when (lazy.Value.IsFaulted)
        {
            // A failed load (storage down) is not cached: the next call tries again.
            _compiled.TryRemove(new KeyValuePair<string, Lazy<Task<CompiledBaseline>>>(version, lazy));
            throw;
        }
    }

    /// <summary>The current dataset version, at most <see cref="RefreshInterval"/> old.</summary>
    public async ValueTask<string> CurrentVersion(CancellationToken cancellationToken = default)
    {
        var current = _current;
        if (current is not null && time.GetElapsedTime(Interlocked.Read(ref _currentAt)) < RefreshInterval)
        {
            return current;
        }
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } fresh && time.GetElapsedTime(Interlocked.Read(ref _currentAt)) < RefreshInterval)
            {
                return fresh;
            }
            var info = await grains.GetGrain<IDatasetGrain>(IDatasetGrain.Key).GetInfo();
            _current = info.Version;
            Interlocked.Exchange(ref _currentAt, time.GetTimestamp());
            return info.Version;
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>Forgets the current version so the next query asks again (after this silo changed the data).</summary>
    public void Invalidate() => Interlocked.Exchange(ref _currentAt, 0);

    private async Task<CompiledBaseline> Load(string version)
    {
        var dataset = await grains.GetGrain<IDatasetSnapshotGrain>(version).Get()
                      ?? throw new NotFoundException("dataset version", version);
        var compiled = await Task.Run(() => new CompiledBaseline(dataset));
        LogCompiled(version, compiled.Markets.Length, compiled.Brands.Length);
        _lastUse[version] = time.GetTimestamp();
        Evict();
        return compiled;
    }

    private void Evict()
    {
        while (_compiled.Count > MaxVersions)
        {
            var oldest = _lastUse.Where(e => e.Key != _current).OrderBy(e => e.Value).Select(e => e.Key).FirstOrDefault();
            if (oldest is null || !_compiled.TryRemove(oldest, out _))
            {
                return;
            }
            _lastUse.TryRemove(oldest, out _);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Compiled dataset {Version}: {Markets} markets, {Brands} brands")]
    private partial void LogCompiled(string version, int markets, int brands);
}
