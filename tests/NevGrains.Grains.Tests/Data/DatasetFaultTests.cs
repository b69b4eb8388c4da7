using NevGrains.Contracts.Data;
using NevGrains.Contracts.Scenarios;
using NevGrains.Grains.Tests.Support;
using NevGrains.Model.Scenarios;

namespace NevGrains.Grains.Tests.Data;

/// <summary>Dataset updates when storage fails part-way: nothing half-published, no stuck versions, no reused revision numbers.</summary>
public sealed class DatasetFaultTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private IDatasetGrain Dataset => fixture.Grains.GetGrain<IDatasetGrain>(IDatasetGrain.Key);

    [Fact]
    public async Task A_publish_that_fails_after_the_entity_write_leaves_the_dataset_serving_and_the_next_update_goes_through()
    {
        var before = await Dataset.GetInfo();
        var market = await fixture.Grains.GetGrain<IMarketGrain>("th").Get();
        var first = market.Market with { PublicChargers = market.Market.PublicChargers with { Value = 11_111 } };

        // The market row and the snapshot are written; the dataset record that points to them is not.
        fixture.Store.Inject("|dataset|", StorageFault.FailBeforeWrite, times: 1);
        try
        {
            await Assert.ThrowsAnyAsync<Exception>(() => Dataset.UpdateMarket(first, market.Version, "tester"));
        }
        finally
        {
            fixture.Store.ClearFaults();
        }

        var during = await Dataset.GetInfo();
        Assert.Equal(before.Version, during.Version); // never a current version without a stored record and snapshot
        var run = await fixture.Grains.GetGrain<IScenarioWorkerGrain>(0).Run(Scenario.Base(), null, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(before.Version, run.DatasetVersion);

        // The entity holds the failed change at the next version; an update against that version is accepted, not ABORTED.
        var now = await fixture.Grains.GetGrain<IMarketGrain>("th").Get();
        var second = now.Market with { PublicChargers = now.Market.PublicChargers with { Value = 22_222 } };
        var written = await Dataset.UpdateMarket(second, now.Version, "tester");

        var after = await Dataset.GetInfo();
        Assert.Equal(after.Version, written.DatasetVersion);
        Assert.True(after.Revision > before.Revision);
        var snapshot = await fixture.Grains.GetGrain<IDatasetSnapshotGrain>(after.Version).Get();
        Assert.Equal(22_222, snapshot!.Markets.Single(m => m.Id == "th").PublicChargers.Value);
        // A number the failed publish froze is never reissued with other content.
        var orphan = await fixture.Grains.GetGrain<IDatasetSnapshotGrain>($"{before.BaseVersion}+r{before.Revision + 1}").Get();
        if (orphan is not null && after.Revision != before.Revision + 1)
        {
            Assert.Equal(11_111, orphan.Markets.Single(m => m.Id == "th").PublicChargers.Value);
        }
        Assert.NotEqual($"{before.BaseVersion}+r{before.Revision + 1}", after.Version);
    }
}
