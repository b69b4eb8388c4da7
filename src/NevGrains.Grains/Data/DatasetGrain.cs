using System.Collections.Immutable;
using NevGrains.Contracts.Data;
using NevGrains.Model.Data;

namespace NevGrains.Grains.Data;

/// <summary>
/// Coordinates data changes. Changes are applied one at a time (the grain is not reentrant): each is checked against the entity's
/// version and validated against the whole dataset, written to the entity grain, then recorded as a new revision with a frozen
/// snapshot. A first activation on empty storage seeds the shipped baseline.
/// </summary>
public sealed partial class DatasetGrain(
    [PersistentState("dataset", StorageNames.Data)] IPersistentState<DatasetState> state,
    IGrainFactory grains,
    BaselineCache cache,
    DatasetSeed seed,
    TimeProvider time,
    ILogger<DatasetGrain> logger) : Grain, IDatasetGrain
{
    private const int MaxSkippedRevisions = 1_000;

    private Dataset? _current;

    /// <summary>A publish failed after an entity was written: rebuild the current dataset from storage before the next change.</summary>
    private bool _drifted;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!state.RecordExists || state.State.Manifest is null)
        {
            var initial = seed.Load();
            LogSeeding(initial.Version);
            await Apply(initial, "seed", isImport: true);
            return;
        }
        _current = await Assemble();
    }

    public Task<DatasetInfo> GetInfo() => Task.FromResult(Info());

    public async Task<EntityVersion> UpdateMarket(MarketData market, long expectedVersion, string updatedBy)
    {
        ArgumentNullException.ThrowIfNull(market);
        await Reconcile();
        var current = state.State.MarketVersions.GetValueOrDefault(market.Id);
        if (current == 0)
        {
            throw new NotFoundException("market", market.Id);
        }
        if (current != expectedVersion)
        {
            throw new VersionConflictException($"market {market.Id}", expectedVersion, current);
        }
        var candidate = _current!.WithMarket(market);
        Validate(candidate);
        var written = await WriteEntity(() => grains.GetGrain<IMarketGrain>(market.Id).Write(market, expectedVersion, updatedBy));
        await Publish(candidate, updatedBy, s => s.MarketVersions = s.MarketVersions.SetItem(market.Id, written.Version));
        return new EntityVersion($"market {market.Id}", written.Version, state.State.Version);
    }

    public async Task<EntityVersion> UpdateBrand(BrandData brand, long expectedVersion, string updatedBy)
    {
        ArgumentNullException.ThrowIfNull(brand);
        await Reconcile();
        var current = state.State.BrandVersions.GetValueOrDefault(brand.Id);
        if (current == 0)
        {
            throw new NotFoundException("brand", brand.Id);
        }
        if (current != expectedVersion)
        {
            throw new VersionConflictException($"brand {brand.Id}", expectedVersion, current);
        }
        var candidate = _current!.WithBrand(brand);
        Validate(candidate);
        var written = await WriteEntity(() => grains.GetGrain<IBrandGrain>(brand.Id).Write(brand, expectedVersion, updatedBy));
        await Publish(candidate, updatedBy, s => s.BrandVersions = s.BrandVersions.SetItem(brand.Id, written.Version));
        return new EntityVersion($"brand {brand.Id}", written.Version, state.State.Version);
    }

    public async Task<DatasetInfo> Import(Dataset dataset, string updatedBy)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        Validate(dataset);
        await Reconcile();
        await WriteEntity(async () =>
        {
            await Apply(dataset, updatedBy, isImport: true);
            return true;
        });
        return Info();
    }

    /// <summary>Writes every entity of a dataset and records it as the next revision (the first one when seeding).</summary>
    private async Task Apply(Dataset dataset, string updatedBy, bool isImport)
    {
        var markets = await Task.WhenAll(dataset.Markets.Select(async m =>
        {
            var grain = grains.GetGrain<IMarketGrain>(m.Id);
            var existing = await VersionOrZero(() => grain.Get(), s => s.Version);
            return (m.Id, (await grain.Write(m, existing, updatedBy)).Version);
        }));
        var brands = await Task.WhenAll(dataset.Brands.Select(async b =>
        {
            var grain = grains.GetGrain<IBrandGrain>(b.Id);
            var existing = await VersionOrZero(() => grain.Get(), s => s.Version);
            return (b.Id, (await grain.Write(b, existing, updatedBy)).Version);
        }));
        var newBase = isImport && state.State.BaseVersion != dataset.Manifest.DatasetVersion;
        var exists = state.RecordExists;
        await Publish(dataset, updatedBy, s =>
        {
            s.Manifest = dataset.Manifest;
            s.Sources = dataset.Sources;
            s.Competitors = dataset.Competitors;
            s.Tariffs = dataset.Tariffs;
            s.Freight = dataset.Freight;
            s.MarketVersions = markets.ToImmutableDictionary(m => m.Id, m => m.Version);
            s.BrandVersions = brands.ToImmutableDictionary(b => b.Id, b => b.Version);
            if (newBase)
            {
                s.BaseVersion = dataset.Manifest.DatasetVersion;
                s.Revision = exists ? s.Revision + 1 : 0;
            }
        }, bumpRevision: !newBase);
    }

    /// <summary>
    /// Records <paramref name="dataset"/> as the next version: applies <paramref name="change"/> to the record, freezes a snapshot
    /// under a version number no earlier publish used, then persists the record. Nothing in memory changes unless all of it is
    /// stored: on a failure the record is put back and reloaded, and the next change first rebuilds the dataset from storage.
    /// </summary>
    private async Task Publish(Dataset dataset, string updatedBy, Action<DatasetState> change, bool bumpRevision = true)
    {
        var backup = state.State.Copy();
        try
        {
            var s = state.State;
            change(s);
            if (bumpRevision)
            {
                s.Revision++;
            }
            s.UpdatedAt = time.GetUtcNow();
            s.UpdatedBy = updatedBy;
            for (var skipped = 0; !await grains.GetGrain<IDatasetSnapshotGrain>(s.Version).Put(Frozen(dataset, s.Version)); skipped++)
            {
                if (skipped >= MaxSkippedRevisions)
                {
                    throw new InvalidOperationException($"{MaxSkippedRevisions} revisions after {backup.Version} already hold snapshots");
                }
                s.Revision++; // an earlier publish stored this number's snapshot but not the record: never reuse it
            }
            await state.WriteStateAsync();
        }
        catch
        {
            state.State = backup;
            await StorageReload.TryReload(state);
            _drifted = true;
            throw;
        }
        _current = dataset;
        cache.Invalidate();
        LogPublished(state.State.Version, updatedBy);
    }

    /// <summary>
    /// An entity's write; if it fails, the entity may hold the change after all (a write that landed but did not answer), so the next
    /// change first reads the entities again rather than refuse every version the entity reports.
    /// </summary>
    private async Task<T> WriteEntity<T>(Func<Task<T>> write)
    {
        try
        {
            return await write();
        }
        catch
        {
            _drifted = true;
            throw;
        }
    }

    private static Dataset Frozen(Dataset dataset, string version) => dataset with { Manifest = dataset.Manifest with { DatasetVersion = version } };

    /// <summary>After a failed publish: the current dataset as storage has it (entities included), republished if they drifted.</summary>
    private async Task Reconcile()
    {
        if (_drifted)
        {
            _current = await Assemble();
            _drifted = false;
        }
    }

    private async Task<Dataset> Assemble()
    {
        var markets = await Task.WhenAll(state.State.MarketVersions.Keys.Order(StringComparer.Ordinal)
            .Select(id => grains.GetGrain<IMarketGrain>(id).Get()));
        var brands = await Task.WhenAll(state.State.BrandVersions.Keys.Order(StringComparer.Ordinal)
            .Select(id => grains.GetGrain<IBrandGrain>(id).Get()));
        var drifted = markets.Any(m => state.State.MarketVersions[m.Market.Id] != m.Version)
                      || brands.Any(b => state.State.BrandVersions[b.Brand.Id] != b.Version);
        var dataset = new Dataset(state.State.Manifest!, state.State.Sources, [.. markets.Select(m => m.Market)],
            [.. brands.Select(b => b.Brand)], state.State.Competitors, state.State.Tariffs, state.State.Freight);
        if (drifted)
        {
            // An entity was written but the revision that records it was not (a crash in between): record it now.
            LogDrifted();
            await Publish(dataset, "recovery", s =>
            {
                s.MarketVersions = markets.ToImmutableDictionary(m => m.Market.Id, m => m.Version);
                s.BrandVersions = brands.ToImmutableDictionary(b => b.Brand.Id, b => b.Version);
            });
        }
        return dataset;
    }

    private static async Task<long> VersionOrZero<T>(Func<Task<T>> get, Func<T, long> version)
    {
        try
        {
            return version(await get());
        }
        catch (NotFoundException)
        {
            return 0; // a new entity
        }
    }

    private static void Validate(Dataset dataset)
    {
        var report = DatasetValidator.Validate(dataset);
        if (!report.IsValid)
        {
            throw new DataValidationException(report.Errors);
        }
    }

    private DatasetInfo Info() => new(state.State.Version, state.State.BaseVersion, state.State.Revision,
        state.State.MarketVersions, state.State.BrandVersions, state.State.UpdatedAt, state.State.UpdatedBy);

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeding dataset {Version}")]
    private partial void LogSeeding(string version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dataset is now {Version} (by {User})")]
    private partial void LogPublished(string version, string user);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Entity versions drifted from the dataset record; publishing a new revision")]
    private partial void LogDrifted();
}
