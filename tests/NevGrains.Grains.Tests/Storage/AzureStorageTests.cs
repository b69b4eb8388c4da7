using NevGrains.Contracts;
using NevGrains.Contracts.Batches;
using NevGrains.Contracts.Data;
using NevGrains.Grains.Data;
using NevGrains.Grains.Tests.Support;
using NevGrains.Hosting;
using NevGrains.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace NevGrains.Grains.Tests.Storage;

/// <summary>Grain state, batches and reminders in Azure Table and Blob storage (Azurite), across whole-cluster restarts.</summary>
[Trait("Provider", "AzureStorage")]
public sealed class AzureStorageTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task State_and_finished_batches_survive_a_full_cluster_restart()
    {
        var service = NewService();
        string version;
        long marketVersion;
        var batchId = Guid.NewGuid().ToString("N");
        await using (var first = await Start(service))
        {
            var dataset = first.Client.GetGrain<IDatasetGrain>(IDatasetGrain.Key);
            var market = await first.Client.GetGrain<IMarketGrain>("th").Get();
            var changed = market.Market with { PublicChargers = market.Market.PublicChargers with { Value = 54_321 } };
            var written = await dataset.UpdateMarket(changed, market.Version, "tester");
            version = written.DatasetVersion;
            marketVersion = written.Version;
            await first.Client.GetGrain<IBatchGrain>(batchId).Submit(
                new BatchSpec("before-restart", BatchKind.Scenarios, BatchHelpers.Metrics, BatchHelpers.Scenarios(30), ChunkSize: 7), Caller.Internal("tester"));
            await BatchHelpers.WaitUntilFinished(first.Client, batchId, TimeSpan.FromMinutes(2));
        }

        await using var second = await Start(service);
        var info = await second.Client.GetGrain<IDatasetGrain>(IDatasetGrain.Key).GetInfo();
        var after = await second.Client.GetGrain<IMarketGrain>("th").Get();
        var status = await second.Client.GetGrain<IBatchGrain>(batchId).GetStatus();
        var results = await BatchHelpers.ReadAll(second.Client, batchId, status!);

        Assert.Equal(version, info.Version);
        Assert.Equal(marketVersion, after.Version);
        Assert.Equal(54_321, after.Market.PublicChargers.Value);
        Assert.Equal(BatchState.Completed, status!.State);
        Assert.Equal(Enumerable.Range(0, 30).Select(i => (long)i), results.Select(r => r.Index).Order());
    }

    [Fact]
    public async Task A_conflicting_update_is_rejected_and_the_first_one_kept()
    {
        await using var cluster = await Start(NewService());
        var dataset = cluster.Client.GetGrain<IDatasetGrain>(IDatasetGrain.Key);
        var market = await cluster.Client.GetGrain<IMarketGrain>("de").Get();

        var first = await dataset.UpdateMarket(market.Market with { VatRate = market.Market.VatRate with { Value = 0.2 } }, market.Version, "first");
        var conflict = await Assert.ThrowsAsync<VersionConflictException>(() =>
            dataset.UpdateMarket(market.Market with { VatRate = market.Market.VatRate with { Value = 0.25 } }, market.Version, "second"));

        var stored = await cluster.Client.GetGrain<IMarketGrain>("de").Get();
        Assert.Equal(first.Version, stored.Version);
        Assert.Equal(0.2, stored.Market.VatRate.Value);
        Assert.Equal(first.Version, conflict.Actual);
    }

    [Fact]
    public async Task A_batch_interrupted_by_a_whole_cluster_stop_resumes_with_every_result_once()
    {
        var service = NewService();
        var batchId = Guid.NewGuid().ToString("N");
        await using (var first = await Start(service))
        {
            await first.Client.GetGrain<IBatchGrain>(batchId).Submit(
                new BatchSpec("interrupted", BatchKind.Scenarios, BatchHelpers.Metrics, BatchHelpers.Scenarios(1_200), ChunkSize: 10), Caller.Internal("tester"));
            var deadline = DateTime.UtcNow.AddMinutes(1);
            while ((await first.Client.GetGrain<IBatchGrain>(batchId).GetStatus())!.Completed < 50 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }
            Assert.True((await first.Client.GetGrain<IBatchGrain>(batchId).GetStatus())!.Completed < 1_200, "finished before the stop; make it longer");
        }

        await using var second = await Start(service);
        var status = await BatchHelpers.WaitUntilFinished(second.Client, batchId, TimeSpan.FromMinutes(3));
        var results = await BatchHelpers.ReadAll(second.Client, batchId, status);

        Assert.Equal(BatchState.Completed, status.State);
        Assert.Equal(Enumerable.Range(0, 1_200).Select(i => (long)i), results.Select(r => r.Index).Order());
    }

    [Fact]
    public async Task With_storage_down_an_update_fails_and_nothing_half_written_remains()
    {
        await using var cluster = await Start(NewService());
        var dataset = cluster.Client.GetGrain<IDatasetGrain>(IDatasetGrain.Key);
        var before = await dataset.GetInfo();
        var market = await cluster.Client.GetGrain<IMarketGrain>("th").Get();

        azurite.Stop();
        try
        {
            await Assert.ThrowsAnyAsync<Exception>(() =>
                dataset.UpdateMarket(market.Market with { VatRate = market.Market.VatRate with { Value = 0.1 } }, market.Version, "tester"));
        }
        finally
        {
            await azurite.Restart();
        }

        Assert.Equal(before.Revision, (await dataset.GetInfo()).Revision);
        var after = await cluster.Client.GetGrain<IMarketGrain>("th").Get();
        Assert.Equal(market.Version, after.Version);
        Assert.Equal(market.Market.VatRate.Value, after.Market.VatRate.Value);
        // Once storage is back the same update goes through.
        var written = await dataset.UpdateMarket(market.Market with { VatRate = market.Market.VatRate with { Value = 0.1 } }, market.Version, "tester");
        Assert.Equal(market.Version + 1, written.Version);
    }

    [Fact]
    public async Task With_storage_stalled_an_update_fails_with_a_storage_timeout_and_goes_through_once_storage_answers()
    {
        await using var cluster = await Start(NewService());
        var dataset = cluster.Client.GetGrain<IDatasetGrain>(IDatasetGrain.Key);
        var market = await cluster.Client.GetGrain<IMarketGrain>("th").Get();

        azurite.Pause();
        StorageTimeoutException stalled;
        try
        {
            stalled = await Assert.ThrowsAsync<StorageTimeoutException>(() =>
                dataset.UpdateMarket(market.Market with { VatRate = market.Market.VatRate with { Value = 0.11 } }, market.Version, "tester"));
        }
        finally
        {
            azurite.Resume();
        }
        Assert.Contains($"did not answer within {new NevGrainsOptions().StorageTimeout.TotalSeconds:0} s", stalled.Message, StringComparison.Ordinal);

        // As a client would: read the version the market reports and retry; the stalled write may have landed, so one conflict at most.
        var written = await MarketUpdates.AfterAStall(cluster.Client, "th", m => m with { VatRate = m.VatRate with { Value = 0.12 } });
        Assert.NotNull(written);
        Assert.Equal(0.12, (await cluster.Client.GetGrain<IMarketGrain>("th").Get()).Market.VatRate.Value);
        Assert.Equal(written.DatasetVersion, (await dataset.GetInfo()).Version);
    }

    private static string NewService() => "s" + Guid.NewGuid().ToString("N")[..12];

    private async Task<InProcessTestCluster> Start(string service)
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.Options.ServiceId = service;
        var options = new NevGrainsOptions
        {
            Storage = StorageMode.Azure,
            AzureStorageConnectionString = azurite.ConnectionString,
            TablePrefix = service,
            ServiceId = service,
        };
        builder.ConfigureSilo((_, silo) =>
        {
            silo.UseNevGrainsStorage(options).AddNevGrainsServices(options);
            silo.Services.AddSingleton(new DatasetSeed(SyntheticDataset.Small));
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
