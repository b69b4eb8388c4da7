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
    private Dataset? _current;

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
        var written = await grains.GetGrain<IMarketGrain>(market.Id).Write(market, expectedVersion, updatedBy);
        state.State.MarketVersions = state.State.MarketVersions.SetItem(market.Id, written.Version);
        await Publish(candidate, updatedBy);
        return new EntityVersion($"market {market.Id}", written.Version, state.State.Version);
    }

    public async Task<EntityVersion> UpdateBrand(BrandData brand, long expectedVersion, string updatedBy)
    {
        ArgumentNullException.ThrowIfNull(brand);
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
        var written = await grains.GetGrain<IBrandGrain>(brand.Id).Write(brand, expectedVersion, updatedBy);
        state.State.BrandVersions = state.State.BrandVersions.SetItem(brand.Id, written.Version);
        await Publish(candidate, updatedBy);
        return new EntityVersion($"brand {brand.Id}", written.Version, state.State.Version);
    }

    public async Task<DatasetInfo> Import(Dataset dataset, string updatedBy)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        Validate(dataset);
        await Apply(dataset, updatedBy, isImport: true);
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
        state.State.Manifest = dataset.Manifest;
        state.State.Sources = dataset.Sources;
        state.State.Competitors = dataset.Competitors;
        state.State.Tariffs = dataset.Tariffs;
        state.State.Freight = dataset.Freight;
        state.State.MarketVersions = markets.ToImmutableDictionary(m => m.Id, m => m.Version);
        state.State.BrandVersions = brands.ToImmutableDictionary(b => b.Id, b => b.Version);
        if (isImport && state.State.BaseVersion != dataset.Manifest.DatasetVersion)
        {
            state.State.BaseVersion = dataset.Manifest.DatasetVersion;
            state.State.Revision = state.RecordExists ? state.State.Revision + 1 : 0;
            await Publish(dataset, updatedBy, bumpRevision: false);
        }
        else
        {
            await Publish(dataset, updatedBy);
        }
    }

    /// <summary>Freezes the candidate as the next version, then persists the grain state that points to it.</summary>
    private async Task Publish(Dataset dataset, string updatedBy, bool bumpRevision = true)
    {
        if (bumpRevision)
        {
            state.State.Revision++;
        }
        state.State.UpdatedAt = time.GetUtcNow();
        state.State.UpdatedBy = updatedBy;
        var version = state.State.Version;
        var frozen = dataset with { Manifest = dataset.Manifest with { DatasetVersion = version } };
        await grains.GetGrain<IDatasetSnapshotGrain>(version).Put(frozen);
        await state.WriteStateAsync();
        _current = dataset;
        cache.Invalidate();
        LogPublished(version, updatedBy);
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
            state.State.MarketVersions = markets.ToImmutableDictionary(m => m.Market.Id, m => m.Version);
            state.State.BrandVersions = brands.ToImmutableDictionary(b => b.Brand.Id, b => b.Version);
            await Publish(dataset, "recovery");
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
