using NevGrains.Contracts;
using NevGrains.Contracts.Batches;
using NevGrains.Grains.Tests.Support;
using NevGrains.TestSupport;

namespace NevGrains.Grains.Tests.Batches;

/// <summary>A cluster of three silos of which tests stop or kill one mid-batch (its own fixture: silos do not come back).</summary>
public sealed class FailoverClusterFixture() : ClusterFixture(3, SyntheticDataset.Small);

public sealed class BatchFailoverTests(FailoverClusterFixture fixture) : IClassFixture<FailoverClusterFixture>
{
    [Fact]
    public async Task A_batch_survives_a_killed_silo_with_every_result_exactly_once()
    {
        var id = Guid.NewGuid().ToString("N");
        var grains = fixture.Grains;
        await grains.GetGrain<IBatchGrain>(id).Submit(
            new BatchSpec("failover", BatchKind.Scenarios, BatchHelpers.Metrics, BatchHelpers.Scenarios(2_000), ChunkSize: 10), Caller.Internal("tester"));

        // Let work spread, then kill a silo that is not the one the test client talks through.
        await WaitForProgress(grains, id, minimum: 100);
        var victim = fixture.Cluster.Silos[^1];
        await fixture.Cluster.KillSiloAsync(victim, TestContext.Current.CancellationToken);

        var status = await BatchHelpers.WaitUntilFinished(grains, id, TimeSpan.FromMinutes(3));
        var results = await BatchHelpers.ReadAll(grains, id, status);

        Assert.Equal(BatchState.Completed, status.State);
        Assert.Equal(2_000, status.Completed);
        Assert.Equal(Enumerable.Range(0, 2_000).Select(i => (long)i), results.Select(r => r.Index).Order());
        Assert.All(results, r => Assert.Null(r.Error));
    }

    [Fact]
    public async Task A_batch_resumes_when_the_silo_running_its_coordinator_dies()
    {
        var id = Guid.NewGuid().ToString("N");
        var grains = fixture.Grains;
        var batch = grains.GetGrain<IBatchGrain>(id);
        await batch.Submit(new BatchSpec("coordinator-loss", BatchKind.Scenarios, BatchHelpers.Metrics, BatchHelpers.Scenarios(1_500), ChunkSize: 10), Caller.Internal("tester"));
        await WaitForProgress(grains, id, minimum: 50);

        var host = await grains.GetGrain<IManagementGrain>(0).GetActivationAddress(batch, TestContext.Current.CancellationToken);
        var victim = fixture.Cluster.Silos.Single(s => s.SiloAddress.Equals(host));
        await fixture.Cluster.KillSiloAsync(victim, TestContext.Current.CancellationToken);

        var status = await BatchHelpers.WaitUntilFinished(grains, id, TimeSpan.FromMinutes(3));
        var results = await BatchHelpers.ReadAll(grains, id, status);

        Assert.Equal(BatchState.Completed, status.State);
        Assert.Equal(Enumerable.Range(0, 1_500).Select(i => (long)i), results.Select(r => r.Index).Order());
    }

    private static async Task WaitForProgress(IGrainFactory grains, string id, long minimum)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (DateTime.UtcNow < deadline)
        {
            var status = await grains.GetGrain<IBatchGrain>(id).GetStatus();
            if (status!.Completed >= minimum)
            {
                Assert.True(status.Completed < status.Total, "the batch finished before the silo could be killed; make it longer");
                return;
            }
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
        throw new TimeoutException("no progress");
    }
}
