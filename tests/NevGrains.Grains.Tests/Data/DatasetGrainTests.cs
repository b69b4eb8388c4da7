using NevGrains.Contracts.Data;
using NevGrains.Contracts.Scenarios;
using NevGrains.Grains.Tests.Support;
using NevGrains.Model.Data;
using NevGrains.Model.Scenarios;
using NevGrains.TestSupport;

namespace NevGrains.Grains.Tests.Data;

public sealed class DatasetGrainTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private IDatasetGrain Dataset => fixture.Grains.GetGrain<IDatasetGrain>(IDatasetGrain.Key);

    [Fact]
    public async Task Brand_and_market_grains_hold_the_seeded_state_with_versions()
    {
        var info = await Dataset.GetInfo();
        var market = await fixture.Grains.GetGrain<IMarketGrain>("th").Get();
        var brand = await fixture.Grains.GetGrain<IBrandGrain>("beta").Get();

        Assert.StartsWith("test-1+r", info.Version);
        Assert.Equal(SyntheticDataset.Small().Markets.Single(m => m.Id == "th").NewCarSales.Value, market.Market.NewCarSales.Value);
        Assert.Equal(info.MarketVersions["th"], market.Version);
        Assert.Equal("beta", brand.Brand.Id);
        Assert.True(brand.Version >= 1);
    }

    [Fact]
    public async Task An_unknown_market_is_not_found()
    {
        await Assert.ThrowsAsync<NotFoundException>(() => fixture.Grains.GetGrain<IMarketGrain>("atlantis").Get());
    }

    [Fact]
    public async Task An_update_with_the_current_version_creates_a_new_dataset_version()
    {
        var before = await Dataset.GetInfo();
        var market = await fixture.Grains.GetGrain<IMarketGrain>("de").Get();

        var changed = market.Market with { PublicChargers = market.Market.PublicChargers with { Value = market.Market.PublicChargers.Value + 1 } };
        var written = await Dataset.UpdateMarket(changed, market.Version, "test");

        var after = await Dataset.GetInfo();
        Assert.Equal(market.Version + 1, written.Version);
        Assert.Equal(before.Revision + 1, after.Revision);
        Assert.Equal(after.Version, written.DatasetVersion);
        var snapshot = await fixture.Grains.GetGrain<IDatasetSnapshotGrain>(after.Version).Get();
        Assert.Equal(changed.PublicChargers.Value, snapshot!.FindMarket("de")!.PublicChargers.Value);
        // The previous version stays frozen, so work pinned to it is unaffected.
        var previous = await fixture.Grains.GetGrain<IDatasetSnapshotGrain>(before.Version).Get();
        Assert.Equal(market.Market.PublicChargers.Value, previous!.FindMarket("de")!.PublicChargers.Value);
    }

    [Fact]
    public async Task Concurrent_updates_from_the_same_version_let_exactly_one_through()
    {
        var brand = await fixture.Grains.GetGrain<IBrandGrain>("alpha").Get();
        var updates = Enumerable.Range(1, 5).Select(i =>
        {
            var presence = brand.Brand.Markets[0] with { Stores = SyntheticDataset.A(100 + i, "stores") };
            return Dataset.UpdateBrand(brand.Brand with { Markets = brand.Brand.Markets.SetItem(0, presence) }, brand.Version, $"writer-{i}");
        }).ToList();

        var outcomes = await Task.WhenAll(updates.Select(async u =>
        {
            try
            {
                await u;
                return "ok";
            }
            catch (VersionConflictException)
            {
                return "conflict";
            }
        }));

        Assert.Equal(1, outcomes.Count(o => o == "ok"));
        Assert.Equal(4, outcomes.Count(o => o == "conflict"));
        var now = await fixture.Grains.GetGrain<IBrandGrain>("alpha").Get();
        Assert.Equal(brand.Version + 1, now.Version);
    }

    [Fact]
    public async Task An_invalid_update_is_rejected_naming_the_field_and_nothing_changes()
    {
        var market = await fixture.Grains.GetGrain<IMarketGrain>("th").Get();
        var before = await Dataset.GetInfo();

        var error = await Assert.ThrowsAsync<DataValidationException>(() =>
            Dataset.UpdateMarket(market.Market with { BevShare = SyntheticDataset.V(1.5, "share") }, market.Version, "test"));

        Assert.Contains(error.Issues, i => i.Contains("bevShare"));
        Assert.Equal(market.Version, (await fixture.Grains.GetGrain<IMarketGrain>("th").Get()).Version);
        Assert.Equal(before.Revision, (await Dataset.GetInfo()).Revision);
    }

    [Fact]
    public async Task A_market_query_projects_its_market_and_records_the_dataset_version()
    {
        var info = await Dataset.GetInfo();
        var scenario = new Scenario("th-duty", [new TariffLever("th", 0.2, new DateOnly(2026, 1, 1))]);

        var projection = await fixture.Grains.GetGrain<IScenarioWorkerGrain>(0).ProjectMarket("th", scenario, info.Version, TestContext.Current.CancellationToken);

        Assert.Equal("th", projection.Market);
        Assert.Equal(info.Version, projection.DatasetVersion);
        Assert.All(projection.Cells, c => Assert.Equal("th", c.Market));
        Assert.Contains(projection.Cells, c => c.Owner == "alpha" && c.Year == 2030);
        Assert.Equal(6, projection.Years.Length);
    }

    [Fact]
    public async Task A_brand_query_reports_its_results_across_markets()
    {
        var report = await fixture.Grains.GetGrain<IScenarioWorkerGrain>(0).ReportBrand("alpha", Scenario.Base(), null, TestContext.Current.CancellationToken);

        Assert.All(report.Cells, c => Assert.Equal("alpha", c.Owner));
        Assert.Equal(["de", "th"], report.Cells.Select(c => c.Market).Distinct().Order());
        Assert.Contains(report.Plants, p => p.Plant == "alpha-hu");
    }

    [Fact]
    public async Task An_invalid_scenario_fails_with_the_field_named()
    {
        var worker = fixture.Grains.GetGrain<IScenarioWorkerGrain>(0);

        var error = await Assert.ThrowsAsync<ScenarioException>(() =>
            worker.Run(new Scenario("bad", [new TariffLever("atlantis", -1, new DateOnly(2026, 1, 1))]), null, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains(error.Issues, i => i.Field == "levers[0].tariff.jurisdiction");
        Assert.Contains(error.Issues, i => i.Field == "levers[0].tariff.rate");
    }

    [Fact]
    public async Task An_unknown_dataset_version_is_not_found()
    {
        var worker = fixture.Grains.GetGrain<IScenarioWorkerGrain>(0);

        await Assert.ThrowsAsync<NotFoundException>(() => worker.Run(Scenario.Base(), "no-such-version", cancellationToken: TestContext.Current.CancellationToken));
    }
}
