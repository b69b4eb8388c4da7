using NevGrains.Contracts.Data;
using NevGrains.Contracts.Scenarios;
using NevGrains.Model.Data;
using NevGrains.Model.Scenarios;

namespace NevGrains.Grains.Data;

/// <summary>One brand's state; reports run on the worker pool and are filtered to this brand.</summary>
public sealed class BrandGrain(
    [PersistentState("brand", StorageNames.Data)] IPersistentState<BrandState> state,
    TimeProvider time) : Grain, IBrandGrain
{
    private string Id => this.GetPrimaryKeyString();

    public Task<BrandSnapshot> Get() => Task.FromResult(Snapshot());

    public async Task<BrandSnapshot> Write(BrandData brand, long expectedVersion, string updatedBy)
    {
        if (brand.Id != Id)
        {
            throw new ArgumentException($"brand '{brand.Id}' written to grain '{Id}'", nameof(brand));
        }
        if (state.State.Version != expectedVersion)
        {
            throw new VersionConflictException($"brand {Id}", expectedVersion, state.State.Version);
        }
        var previous = (state.State.Brand, state.State.Version, state.State.UpdatedAt, state.State.UpdatedBy);
        state.State.Brand = brand;
        state.State.Version = expectedVersion + 1;
        state.State.UpdatedAt = time.GetUtcNow();
        state.State.UpdatedBy = updatedBy;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            (state.State.Brand, state.State.Version, state.State.UpdatedAt, state.State.UpdatedBy) = previous;
            throw;
        }
        return Snapshot();
    }

    public async Task<BrandReport> Report(Scenario scenario, string? datasetVersion, CancellationToken cancellationToken = default)
    {
        _ = Snapshot();
        var result = await GrainFactory.GetGrain<IScenarioWorkerGrain>(0).Run(scenario, datasetVersion, cancellationToken);
        return new BrandReport(Id, result.Scenario, result.DatasetVersion,
            [.. result.Brands.Where(b => b.Brand == Id)], [.. result.Cells.Where(c => c.Owner == Id)], [.. result.Plants.Where(p => p.Brand == Id)], result.Diagnostics);
    }

    private BrandSnapshot Snapshot() => state.State.Brand is { } brand
        ? new BrandSnapshot(brand, state.State.Version, state.State.UpdatedAt, state.State.UpdatedBy)
        : throw new NotFoundException("brand", Id);
}
