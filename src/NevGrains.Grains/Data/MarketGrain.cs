using NevGrains.Contracts.Data;
using NevGrains.Contracts.Scenarios;
using NevGrains.Model.Data;
using NevGrains.Model.Scenarios;

namespace NevGrains.Grains.Data;

/// <summary>One market's state; projections run on the worker pool and are filtered to this market.</summary>
public sealed class MarketGrain(
    [PersistentState("market", StorageNames.Data)] IPersistentState<MarketState> state,
    TimeProvider time) : Grain, IMarketGrain
{
    private string Id => this.GetPrimaryKeyString();

    public Task<MarketSnapshot> Get() => Task.FromResult(Snapshot());

    public async Task<MarketSnapshot> Write(MarketData market, long expectedVersion, string updatedBy)
    {
        if (market.Id != Id)
        {
            throw new ArgumentException($"market '{market.Id}' written to grain '{Id}'", nameof(market));
        }
        if (state.State.Version != expectedVersion)
        {
            throw new VersionConflictException($"market {Id}", expectedVersion, state.State.Version);
        }
        var previous = (state.State.Market, state.State.Version, state.State.UpdatedAt, state.State.UpdatedBy);
        state.State.Market = market;
        state.State.Version = expectedVersion + 1;
        state.State.UpdatedAt = time.GetUtcNow();
        state.State.UpdatedBy = updatedBy;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Not persisted (storage down, or another activation wrote first): keep serving what storage holds.
            (state.State.Market, state.State.Version, state.State.UpdatedAt, state.State.UpdatedBy) = previous;
            throw;
        }
        return Snapshot();
    }

    public async Task<MarketProjection> Project(Scenario scenario, string? datasetVersion, CancellationToken cancellationToken = default)
    {
        _ = Snapshot(); // unknown markets fail here, before any work
        var result = await GrainFactory.GetGrain<IScenarioWorkerGrain>(0).Run(scenario, datasetVersion, cancellationToken);
        return new MarketProjection(Id, result.Scenario, result.DatasetVersion,
            [.. result.Markets.Where(m => m.Market == Id)], [.. result.Cells.Where(c => c.Market == Id)], result.Diagnostics);
    }

    private MarketSnapshot Snapshot() => state.State.Market is { } market
        ? new MarketSnapshot(market, state.State.Version, state.State.UpdatedAt, state.State.UpdatedBy)
        : throw new NotFoundException("market", Id);
}
