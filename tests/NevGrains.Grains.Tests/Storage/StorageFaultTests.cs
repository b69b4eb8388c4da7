using NevGrains.Contracts;
using NevGrains.Contracts.Batches;
using NevGrains.Contracts.Data;
using NevGrains.Contracts.Scenarios;
using NevGrains.Grains.Tests.Support;
using NevGrains.Model.Scenarios;
using NevGrains.TestSupport;

namespace NevGrains.Grains.Tests.Storage;

/// <summary>
/// Storage that fails chosen writes, on every path that writes (the idea of the Orleans test suite's fault-injecting grain storage):
/// a write refused before it is stored, and a write stored whose answer is lost, so the writer cannot tell which happened. Whatever
/// fails, a batch's results arrive exactly once and its stream ends, its caller's slot comes back, and dataset updates are neither
/// stuck nor published without a snapshot, nor given a revision number twice.
/// </summary>
public sealed class StorageFaultTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private const int Items = 60;
    private const int ChunkSize = 5;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>The batch write paths, each told apart by its row and what it writes.</summary>
    public static TheoryData<string, StorageFault> BatchWritePaths => new()
    {
        { "chunk inputs", StorageFault.FailBeforeWrite },
        { "chunk inputs", StorageFault.FailAfterWrite },
        { "chunk results", StorageFault.FailBeforeWrite },
        { "chunk results", StorageFault.FailAfterWrite },
        { "batch record", StorageFault.FailBeforeWrite },
        { "batch record", StorageFault.FailAfterWrite },
        { "batch final state", StorageFault.FailBeforeWrite },
        { "batch final state", StorageFault.FailAfterWrite },
        { "registry", StorageFault.FailBeforeWrite },
        { "registry", StorageFault.FailAfterWrite },
    };

    private static Func<string, object?, bool> WritesOf(string path, string batchId) => path switch
    {
        "chunk inputs" => (key, state) => key.Contains("|chunk|", StringComparison.Ordinal) && key.Contains(batchId, StringComparison.Ordinal) && state is NevGrains.Grains.Batches.BatchChunkState { Done: false },
        "chunk results" => (key, state) => key.Contains("|chunk|", StringComparison.Ordinal) && key.Contains(batchId, StringComparison.Ordinal) && state is NevGrains.Grains.Batches.BatchChunkState { Done: true },
        "batch record" => (key, state) => key.Contains("|batch|", StringComparison.Ordinal) && key.Contains(batchId, StringComparison.Ordinal) && state is NevGrains.Grains.Batches.BatchGrainState { Completed: 0 },
        "batch final state" => (key, state) => key.Contains("|batch|", StringComparison.Ordinal) && key.Contains(batchId, StringComparison.Ordinal) && state is NevGrains.Grains.Batches.BatchGrainState { State: not BatchState.Running },
        // One registry for the cluster: its writes while this test's batch runs (the tests of a class run one after another).
        "registry" => (key, _) => key.Contains("|registry|", StringComparison.Ordinal),
        _ => throw new ArgumentOutOfRangeException(nameof(path), path, null),
    };

    [Theory]
    [MemberData(nameof(BatchWritePaths))]
    public async Task A_batch_whose_writes_fail_delivers_every_result_exactly_once_and_gives_its_slot_back(string path, StorageFault fault)
    {
        var caller = Caller.Internal("faults-" + Guid.NewGuid().ToString("N")[..8]) with
        {
            Limits = new CallerLimits(MaxBatchItems: 1_000, MaxConcurrentBatches: 1),
        };
        var id = Guid.NewGuid().ToString("N");
        var batch = fixture.Grains.GetGrain<IBatchGrain>(id);
        var injectedBefore = fixture.Store.Injected;
        // Every second write of the path fails, up to five times: at submission, mid-batch and at the end, as the path has them.
        fixture.Store.Inject(WritesOf(path, id), fault, times: 5, every: 2);
        int injected;
        try
        {
            var spec = new BatchSpec("faults", BatchKind.Scenarios, BatchHelpers.Metrics, BatchHelpers.Scenarios(Items), ChunkSize: ChunkSize);
            await SubmitRetrying(batch, spec, caller);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(Timeout); // a stream that never ends fails the test instead of hanging it

            var streamed = new List<BatchItemResult>();
            await foreach (var result in batch.Results(caller, 0, timeout.Token))
            {
                streamed.Add(result);
            }

            var status = await batch.Status(caller);
            Assert.Equal(BatchState.Completed, status.State);
            Assert.Equal(Items, status.Completed);
            Assert.Equal(Enumerable.Range(0, Items).Select(i => (long)i), streamed.Select(r => r.Index));
            Assert.All(streamed, r => Assert.Null(r.Error));
            var stored = await BatchHelpers.ReadAll(fixture.Grains, id, status);
            Assert.Equal(stored.OrderBy(r => r.Index).Select(r => r.Values[0]), streamed.Select(r => r.Values[0]));
        }
        finally
        {
            injected = fixture.Store.Injected - injectedBefore;
            fixture.Store.ClearFaults();
        }
        Assert.True(injected > 0, $"no write of the {path} failed: the test proved nothing");
        TestContext.Current.TestOutputHelper?.WriteLine($"{path}, {fault}: {injected} faults injected");

        // The stream ended only once the slot was free: the caller, at his limit of one batch, may start the next at once.
        var next = fixture.Grains.GetGrain<IBatchGrain>(Guid.NewGuid().ToString("N"));
        var started = await next.Submit(new BatchSpec("next", BatchKind.Scenarios, BatchHelpers.Metrics, BatchHelpers.Scenarios(2)), caller);
        Assert.Equal(BatchState.Running, started.State);
        await next.Cancel(caller);
    }

    public static TheoryData<string, StorageFault> DatasetWritePaths => new()
    {
        { "|market|", StorageFault.FailBeforeWrite },
        { "|market|", StorageFault.FailAfterWrite },
        { "|snapshot|", StorageFault.FailBeforeWrite },
        { "|snapshot|", StorageFault.FailAfterWrite },
        { "|dataset|", StorageFault.FailBeforeWrite },
        { "|dataset|", StorageFault.FailAfterWrite },
    };

    [Theory]
    [MemberData(nameof(DatasetWritePaths))]
    public async Task A_dataset_update_whose_write_fails_leaves_a_current_version_with_a_snapshot_and_the_next_update_goes_through(string path, StorageFault fault)
    {
        var dataset = fixture.Grains.GetGrain<IDatasetGrain>(IDatasetGrain.Key);
        var before = await dataset.GetInfo();
        var market = await fixture.Grains.GetGrain<IMarketGrain>("de").Get();
        var published = new Dictionary<string, double>(StringComparer.Ordinal); // version -> chargers, for every version ever current

        fixture.Store.Inject(path, fault, times: 1);
        var failedValue = 10_000 + Random.Shared.Next(1_000_000);
        try
        {
            await Assert.ThrowsAnyAsync<Exception>(() =>
                dataset.UpdateMarket(market.Market with { PublicChargers = market.Market.PublicChargers with { Value = failedValue } }, market.Version, "tester"));
        }
        finally
        {
            fixture.Store.ClearFaults();
        }

        // Whether the failed update counts (its write landed) or not, the current version has its snapshot and runs.
        var during = await dataset.GetInfo();
        Assert.True(during.Revision >= before.Revision);
        await AssertServes(during.Version);
        published[during.Version] = (await Snapshot(during.Version)).Markets.Single(m => m.Id == "de").PublicChargers.Value;

        // The next update, against the version the market grain now reports, is accepted (not ABORTED) and becomes current.
        var now = await fixture.Grains.GetGrain<IMarketGrain>("de").Get();
        var nextValue = failedValue + 1;
        var written = await dataset.UpdateMarket(now.Market with { PublicChargers = now.Market.PublicChargers with { Value = nextValue } }, now.Version, "tester");
        var after = await dataset.GetInfo();

        Assert.Equal(written.DatasetVersion, after.Version);
        Assert.True(after.Revision > during.Revision);
        Assert.Equal(now.Version + 1, written.Version);
        await AssertServes(after.Version);
        Assert.Equal(nextValue, (await Snapshot(after.Version)).Markets.Single(m => m.Id == "de").PublicChargers.Value);
        // No revision number was given to two contents: what was current during the fault still reads the same.
        Assert.Equal(published[during.Version], (await Snapshot(during.Version)).Markets.Single(m => m.Id == "de").PublicChargers.Value);
        Assert.NotEqual(during.Version, after.Version);
    }

    [Fact]
    public async Task A_stream_of_a_batch_whose_stored_results_vanished_fails_with_results_missing_instead_of_skipping_or_hanging()
    {
        var caller = Caller.Internal("loss-" + Guid.NewGuid().ToString("N")[..8]);
        var id = Guid.NewGuid().ToString("N");
        var batch = fixture.Grains.GetGrain<IBatchGrain>(id);
        await batch.Submit(new BatchSpec("loss", BatchKind.Scenarios, BatchHelpers.Metrics, BatchHelpers.Scenarios(20), ChunkSize: ChunkSize), caller);
        var status = await BatchHelpers.WaitUntilFinished(fixture.Grains, id, Timeout);

        // Storage loses chunk 2's row (a restored backup older than the batch, a deleted table row); the chunk grain is then
        // activated afresh, as after a silo restart.
        var row = Assert.Single(fixture.Store.Rows.Keys, k => k.Contains("|chunk|", StringComparison.Ordinal) && k.EndsWith(IBatchChunkGrain.KeyOf(id, 2), StringComparison.Ordinal));
        Assert.True(fixture.Store.Rows.TryRemove(row, out _));
        await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero, TestContext.Current.CancellationToken);

        var streamed = new List<BatchItemResult>();
        var error = await Assert.ThrowsAsync<BatchResultsMissingException>(async () =>
        {
            await foreach (var result in batch.Results(caller, 0, TestContext.Current.CancellationToken))
            {
                streamed.Add(result);
            }
        });

        Assert.Equal(BatchState.Completed, status.State);
        Assert.Contains("chunk 2", error.Message, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(0, 2 * ChunkSize).Select(i => (long)i), streamed.Select(r => r.Index)); // what exists before the gap
    }

    [Fact]
    public async Task A_stalled_storage_write_fails_the_update_with_storage_timeout_and_the_next_update_goes_through_once_storage_answers()
    {
        var dataset = fixture.Grains.GetGrain<IDatasetGrain>(IDatasetGrain.Key);
        var market = await fixture.Grains.GetGrain<IMarketGrain>("th").Get();
        fixture.Store.Inject("|market|", StorageFault.Hang, times: 1);
        StorageTimeoutException stalled;
        try
        {
            stalled = await Assert.ThrowsAsync<StorageTimeoutException>(() =>
                dataset.UpdateMarket(market.Market with { PublicChargers = market.Market.PublicChargers with { Value = 12_345 } }, market.Version, "tester"));
            Assert.Equal(1, fixture.Store.Hanging); // it was the stalled write that failed the call, and it is still pending
        }
        finally
        {
            fixture.Store.ClearFaults(); // storage answers again; the stalled write lands late
        }
        Assert.Contains($"did not answer within {ClusterFixture.StorageTimeout.TotalSeconds:0} s", stalled.Message, StringComparison.Ordinal);

        // A client retries with the version the market reports: the late write may make the first retry a conflict, never more.
        var written = await MarketUpdates.AfterAStall(fixture.Grains, "th", m => m with { PublicChargers = m.PublicChargers with { Value = 23_456 } });

        Assert.NotNull(written);
        var current = await dataset.GetInfo();
        Assert.Equal(written.DatasetVersion, current.Version);
        Assert.Equal(23_456, (await Snapshot(current.Version)).Markets.Single(m => m.Id == "th").PublicChargers.Value);
        Assert.Equal(23_456, (await fixture.Grains.GetGrain<IMarketGrain>("th").Get()).Market.PublicChargers.Value);
    }

    /// <summary>Submits as a caller would: a failed submission is retried under the same batch id until it is accepted.</summary>
    private static async Task SubmitRetrying(IBatchGrain batch, BatchSpec spec, Caller caller)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await batch.Submit(spec, caller);
                return;
            }
            catch (Exception) when (attempt < 10)
            {
            }
        }
    }

    private async Task AssertServes(string version)
    {
        Assert.NotNull(await fixture.Grains.GetGrain<IDatasetSnapshotGrain>(version).Get());
        var run = await fixture.Grains.GetGrain<IScenarioWorkerGrain>(0).Run(Scenario.Base(), null, cancellationToken: TestContext.Current.CancellationToken);
        Assert.False(string.IsNullOrEmpty(run.DatasetVersion));
        await Poll.Until(async () => (await fixture.Grains.GetGrain<IScenarioWorkerGrain>(0).Run(Scenario.Base(), null,
                cancellationToken: TestContext.Current.CancellationToken)).DatasetVersion == version,
            TimeSpan.FromSeconds(30), () => $"unpinned runs do not use the current version {version}");
    }

    private async Task<NevGrains.Model.Data.Dataset> Snapshot(string version) =>
        await fixture.Grains.GetGrain<IDatasetSnapshotGrain>(version).Get() ?? throw new InvalidOperationException($"no snapshot of {version}");
}
