using NevGrains.Contracts.Data;
using NevGrains.Model.Data;

namespace NevGrains.Grains.Tests.Support;

internal static class MarketUpdates
{
    /// <summary>
    /// Updates a market as a client does after a failed call: reads the version the market reports and applies the change to it, twice
    /// at most, as a stalled write that landed late may make the first try a conflict. Null if both tries conflicted.
    /// </summary>
    public static async Task<EntityVersion?> AfterAStall(IGrainFactory grains, string marketId, Func<MarketData, MarketData> change)
    {
        var dataset = grains.GetGrain<IDatasetGrain>(IDatasetGrain.Key);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var now = await grains.GetGrain<IMarketGrain>(marketId).Get();
            try
            {
                return await dataset.UpdateMarket(change(now.Market), now.Version, "tester");
            }
            catch (Exception ex) when (ex is VersionConflictException or Orleans.Storage.InconsistentStateException)
            {
            }
        }
        return null;
    }
}
