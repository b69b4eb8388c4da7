using NevGrains.Contracts;
using NevGrains.Contracts.Batches;
using NevGrains.Contracts.Data;
using NevGrains.Contracts.Scenarios;
using NevGrains.Grains.Tests.Support;
using NevGrains.TestSupport;
using NevGrains.Model.Engine;
using NevGrains.Model.Experiments;
using NevGrains.Model.Results;
using NevGrains.Model.Scenarios;

namespace NevGrains.Grains.Tests.Batches;

public sealed class BatchGrainTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private static readonly Caller Tester = Caller.Internal("tester");

    [Fact]
    public async Task A_batch_completes_with_every_result_exactly_once_and_work_on_every_silo()
    {
        var id = NewId();
        var spec = new BatchSpec("prices", BatchKind.Scenarios, BatchHelpers.Metrics, BatchHelpers.Scenarios(400), ChunkSize: 10);

        var submitted = await fixture.Grains.GetGrain<IBatchGrain>(id).Submit(spec, Tester);
        var status = await BatchHelpers.WaitUntilFinished(fixture.Grains, id, Timeout);
        var results = await BatchHelpers.ReadAll(fixture.Grains, id, status);

        Assert.Equal(400, submitted.Total);
        Assert.Equal(BatchState.Completed, status.State);
        Assert.Equal(400, status.Completed);
        Assert.Equal(Enumerable.Range(0, 400).Select(i => (long)i), results.Select(r => r.Index).Order());
        Assert.All(results, r => Assert.Equal(status.DatasetVersion, r.DatasetVersion));
        Assert.All(results, r => Assert.Null(r.Error));
        // Cheaper prices sell more: item 0 (-20%) beats item 399 (+20%).
        Assert.True(results.Single(r => r.Index == 0).Values[0] > results.Single(r => r.Index == 399).Values[0]);
        Assert.Equal(2, status.ItemsBySilo!.Count);
        Assert.Equal(400, status.ItemsBySilo.Values.Sum());
    }

    [Fact]
    public async Task Each_batch_item_equals_the_same_scenario_run_alone()
    {
        var id = NewId();
        var scenarios = BatchHelpers.Scenarios(7);
        await fixture.Grains.GetGrain<IBatchGrain>(id).Submit(new BatchSpec("check", BatchKind.Scenarios, BatchHelpers.Metrics, scenarios, ChunkSize: 3), Tester);
        var status = await BatchHelpers.WaitUntilFinished(fixture.Grains, id, Timeout);
        var results = await BatchHelpers.ReadAll(fixture.Grains, id, status);

        var alone = await fixture.Grains.GetGrain<IScenarioWorkerGrain>(0).Run(scenarios[5], status.DatasetVersion, cancellationToken: TestContext.Current.CancellationToken);
        var snapshot = await fixture.Grains.GetGrain<IDatasetSnapshotGrain>(status.DatasetVersion).Get();

        Assert.Equal(BatchHelpers.Metrics[0].Evaluate(alone, new CompiledBaseline(snapshot!)), results.Single(r => r.Index == 5).Values[0], 6);
    }

    [Fact]
    public async Task Sweep_and_monte_carlo_batches_produce_one_result_per_point_and_draw()
    {
        var sweep = new SweepSpec(new Scenario("duty", [new TariffLever("eu", 0.1, new DateOnly(2026, 1, 1))]),
            [new SweepAxis("levers[0].rate", [0, 0.1, 0.2, 0.3]), new SweepAxis("parameter:demand.nestingLambda", [0.4, 0.6])],
            [new MetricSpec(MetricKind.BevUnits, 2030, Markets: ["eu"])]);
        var monteCarlo = new MonteCarloSpec(Scenario.Base(), 30, 7, [new MetricSpec(MetricKind.Units, 2030)]);
        var sweepId = NewId();
        var drawsId = NewId();

        await fixture.Grains.GetGrain<IBatchGrain>(sweepId).Submit(new BatchSpec("sweep", BatchKind.Sweep, Sweep: sweep, ChunkSize: 3), Tester);
        await fixture.Grains.GetGrain<IBatchGrain>(drawsId).Submit(new BatchSpec("draws", BatchKind.MonteCarlo, MonteCarlo: monteCarlo, ChunkSize: 4), Tester);
        var sweepResults = await BatchHelpers.ReadAll(fixture.Grains, sweepId, await BatchHelpers.WaitUntilFinished(fixture.Grains, sweepId, Timeout));
        var drawResults = await BatchHelpers.ReadAll(fixture.Grains, drawsId, await BatchHelpers.WaitUntilFinished(fixture.Grains, drawsId, Timeout));

        Assert.Equal(8, sweepResults.Count);
        Assert.Contains(sweepResults, r => r.Label == "levers[0].rate=0.3, parameter:demand.nestingLambda=0.6");
        // A higher duty never sells more Chinese BEVs in the EU (same lambda).
        var byRate = sweepResults.Where(r => r.Label.EndsWith("=0.4", StringComparison.Ordinal)).OrderBy(r => r.Index).Select(r => r.Values[0]).ToList();
        Assert.Equal(byRate.OrderDescending(), byRate);
        Assert.Equal(30, drawResults.Count);
        Assert.All(drawResults, r => Assert.Equal(r.BaseValues[0], r.Values[0], 6)); // the base scenario: no delta under common random numbers
        Assert.True(drawResults.Select(r => r.Values[0]).Distinct().Count() > 20, "draws differ");
    }

    [Fact]
    public async Task Submitting_the_same_batch_twice_does_not_start_it_twice()
    {
        var id = NewId();
        var spec = new BatchSpec("once", BatchKind.Scenarios, BatchHelpers.Metrics, BatchHelpers.Scenarios(20), ChunkSize: 5);

        var first = await fixture.Grains.GetGrain<IBatchGrain>(id).Submit(spec, Tester);
        var second = await fixture.Grains.GetGrain<IBatchGrain>(id).Submit(spec with { Name = "again" }, Tester);
        var status = await BatchHelpers.WaitUntilFinished(fixture.Grains, id, Timeout);

        Assert.Equal(first.CreatedAt, second.CreatedAt);
        Assert.Equal("once", second.Name);
        Assert.Equal(20, (await BatchHelpers.ReadAll(fixture.Grains, id, status)).Count);
    }

    [Fact]
    public async Task A_cancelled_batch_stops_dispatching()
    {
        var (_, batch) = await SubmitScenarios("long", 3000, chunkSize: 5);

        var cancelled = await batch.Cancel(Tester);
        // Wait for the chunks that were running at the cancel to settle: nothing else may start.
        BatchStatus? later = null;
        await Poll.Until(async () => (later = await batch.GetStatus())!.ChunksInFlight == 0, Timeout, () => $"chunks still in flight: {later}");

        Assert.Equal(BatchState.Cancelled, cancelled.State);
        Assert.NotNull(cancelled.FinishedAt);
        Assert.True(later!.Completed < 3000);
        // Only chunks already in flight may still finish after the cancel.
        Assert.True(later.Completed - cancelled.Completed <= 5L * cancelled.ChunksInFlight, $"{cancelled.Completed} -> {later.Completed} with {cancelled.ChunksInFlight} chunks in flight");
    }

    [Fact]
    public async Task An_invalid_batch_is_rejected_naming_the_item_and_field()
    {
        var scenarios = BatchHelpers.Scenarios(5).SetItem(3, new Scenario("bad", [new PriceLever("alpha", 5, 2026)]));

        var error = await Assert.ThrowsAsync<ScenarioException>(() =>
            fixture.Grains.GetGrain<IBatchGrain>(NewId()).Submit(new BatchSpec("bad", BatchKind.Scenarios, BatchHelpers.Metrics, scenarios), Tester));

        Assert.Contains(error.Issues, i => i.Field == "spec.scenarios.scenarios[3].levers[0].price.change");
    }

    [Fact]
    public async Task Only_its_owner_or_an_admin_reads_resubmits_or_cancels_a_batch()
    {
        var id = NewId();
        var batch = fixture.Grains.GetGrain<IBatchGrain>(id);
        var spec = new BatchSpec("mine", BatchKind.Scenarios, BatchHelpers.Metrics, BatchHelpers.Scenarios(5), ChunkSize: 5);
        await batch.Submit(spec, Tester);
        var stranger = Caller.Internal("someone-else");

        await Assert.ThrowsAsync<AccessDeniedException>(() => batch.Status(stranger));
        await Assert.ThrowsAsync<AccessDeniedException>(() => batch.Submit(spec, stranger));
        await Assert.ThrowsAsync<AccessDeniedException>(() => batch.Cancel(stranger));
        Assert.Equal("tester", (await batch.Status(stranger with { IsAdmin = true })).Owner);
        await Assert.ThrowsAsync<NevGrains.Contracts.Data.NotFoundException>(() => fixture.Grains.GetGrain<IBatchGrain>(NewId()).Status(stranger));
    }

    [Fact]
    public async Task A_caller_over_a_limit_is_refused_before_anything_is_stored()
    {
        var small = Caller.Internal("limited") with { Limits = new CallerLimits(MaxBatchItems: 4, MaxConcurrentBatches: 1) };
        var id = NewId();

        var error = await Assert.ThrowsAsync<CallerLimitExceededException>(() =>
            fixture.Grains.GetGrain<IBatchGrain>(id).Submit(new BatchSpec("big", BatchKind.Scenarios, BatchHelpers.Metrics, BatchHelpers.Scenarios(5)), small));

        Assert.Contains("at most 4", error.Message, StringComparison.Ordinal);
        Assert.Null(await fixture.Grains.GetGrain<IBatchGrain>(id).GetStatus());
    }

    [Fact]
    public async Task Fifty_simultaneous_submissions_of_one_caller_admit_exactly_its_limit()
    {
        var caller = Caller.Internal("burst-" + NewId()) with { Limits = new CallerLimits(MaxBatchItems: 100_000, MaxConcurrentBatches: 3) };
        // Long sweeps (cheap to submit: no inputs to store): none can finish while the others are being submitted.
        var sweep = new SweepSpec(new Scenario("duty", [new TariffLever("eu", 0.1, new DateOnly(2026, 1, 1))]),
            [new SweepAxis("levers[0].rate", [.. Enumerable.Range(0, 5_000).Select(i => i / 10_000.0)])],
            [new MetricSpec(MetricKind.Units, 2030, Markets: ["eu"])]);
        var spec = new BatchSpec("burst", BatchKind.Sweep, Sweep: sweep, ChunkSize: 100);
        var ids = Enumerable.Range(0, 50).Select(_ => NewId()).ToList();

        var outcomes = await Task.WhenAll(ids.Select(async id =>
        {
            try
            {
                await fixture.Grains.GetGrain<IBatchGrain>(id).Submit(spec, caller);
                return (Id: id, Admitted: true);
            }
            catch (CallerLimitExceededException)
            {
                return (Id: id, Admitted: false);
            }
        }));
        var admitted = outcomes.Where(o => o.Admitted).Select(o => o.Id).ToList();
        await Task.WhenAll(admitted.Select(id => fixture.Grains.GetGrain<IBatchGrain>(id).Cancel(caller)));

        Assert.Equal(3, admitted.Count);
        foreach (var refused in outcomes.Where(o => !o.Admitted))
        {
            Assert.Null(await fixture.Grains.GetGrain<IBatchGrain>(refused.Id).GetStatus());
        }
    }

    [Fact]
    public async Task A_submission_that_fails_validation_gives_its_slot_back()
    {
        var caller = Caller.Internal("one-slot-" + NewId()) with { Limits = new CallerLimits(MaxBatchItems: 100, MaxConcurrentBatches: 1) };
        var invalid = BatchHelpers.Scenarios(5).SetItem(2, new Scenario("bad", [new PriceLever("alpha", 5, 2026)]));

        await Assert.ThrowsAsync<ScenarioException>(() =>
            fixture.Grains.GetGrain<IBatchGrain>(NewId()).Submit(new BatchSpec("bad", BatchKind.Scenarios, BatchHelpers.Metrics, invalid), caller));
        var id = NewId();
        var accepted = await fixture.Grains.GetGrain<IBatchGrain>(id).Submit(new BatchSpec("good", BatchKind.Scenarios, BatchHelpers.Metrics, BatchHelpers.Scenarios(5)), caller);

        Assert.Equal(BatchState.Running, accepted.State);
        Assert.Equal(BatchState.Completed, (await BatchHelpers.WaitUntilFinished(fixture.Grains, id, Timeout)).State);
    }

    [Fact]
    public async Task A_batch_of_one_hundred_thousand_scenarios_is_accepted_and_can_be_cancelled()
    {
        var id = NewId();
        var batch = fixture.Grains.GetGrain<IBatchGrain>(id);

        var submitted = await batch.Submit(new BatchSpec("large", BatchKind.Scenarios, BatchHelpers.Metrics, BatchHelpers.Scenarios(100_000), ChunkSize: 100), Tester);
        var cancelled = await batch.Cancel(Tester);

        Assert.Equal(100_000, submitted.Total);
        Assert.Equal(BatchState.Cancelled, cancelled.State);
        var lastChunk = await fixture.Grains.GetGrain<IBatchChunkGrain>(IBatchChunkGrain.KeyOf(id, 999)).GetInputs();
        Assert.Equal("price-99999", lastChunk[^1].Name);
    }

    [Fact]
    public async Task A_result_stream_opened_at_submit_sends_every_stored_result_once_in_order_and_ends()
    {
        var (id, batch) = await SubmitScenarios("streamed", 120, chunkSize: 7);

        // Opened while chunks are still running: the grain pushes each chunk once it is stored, then ends.
        var streamed = await Read(batch.Results(Tester, 0, TestContext.Current.CancellationToken));
        var status = await BatchHelpers.WaitUntilFinished(fixture.Grains, id, Timeout);
        var stored = await BatchHelpers.ReadAll(fixture.Grains, id, status);

        Assert.Equal(Enumerable.Range(0, 120).Select(i => (long)i), streamed.Select(r => r.Index));
        Assert.Equal(stored.OrderBy(r => r.Index).Select(r => r.Values[0]), streamed.Select(r => r.Values[0]));
    }

    [Fact]
    public async Task A_result_stream_resumes_at_any_index_and_ends_at_once_past_the_last()
    {
        var (_, batch) = await SubmitScenarios("resumed", 30, chunkSize: 4);

        var fromMiddle = await Read(batch.Results(Tester, 13, TestContext.Current.CancellationToken));
        var pastTheEnd = await Read(batch.Results(Tester, 30, TestContext.Current.CancellationToken));
        var farPast = await Read(batch.Results(Tester, long.MaxValue, TestContext.Current.CancellationToken));

        Assert.Equal(Enumerable.Range(13, 17).Select(i => (long)i), fromMiddle.Select(r => r.Index));
        Assert.Empty(pastTheEnd);
        Assert.Empty(farPast);
        await Assert.ThrowsAsync<AccessDeniedException>(() => Read(batch.Results(Caller.Internal("stranger"), 0, TestContext.Current.CancellationToken)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Read(batch.Results(Tester, -1, TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task A_result_stream_of_a_cancelled_batch_ends_after_the_results_that_exist()
    {
        var (_, batch) = await SubmitScenarios("stopped", 2000, chunkSize: 5);

        var reading = Read(batch.Results(Tester, 0, TestContext.Current.CancellationToken));
        var cancelled = await batch.Cancel(Tester);
        var streamed = await reading;

        Assert.Equal(BatchState.Cancelled, cancelled.State);
        Assert.True(streamed.Count < 2000, $"{streamed.Count} results streamed");
        Assert.Equal(streamed.Count, streamed.Select(r => r.Index).Distinct().Count());
        Assert.Equal(streamed.Select(r => r.Index).Order(), streamed.Select(r => r.Index));
    }

    private static async Task<List<BatchItemResult>> Read(IAsyncEnumerable<BatchItemResult> results)
    {
        var list = new List<BatchItemResult>();
        await foreach (var result in results.WithCancellation(TestContext.Current.CancellationToken))
        {
            list.Add(result);
        }
        return list;
    }

    /// <summary>A new batch of <paramref name="items"/> scenarios, submitted by <see cref="Tester"/>.</summary>
    private async Task<(string Id, IBatchGrain Batch)> SubmitScenarios(string name, int items, int chunkSize)
    {
        var id = NewId();
        var batch = fixture.Grains.GetGrain<IBatchGrain>(id);
        await batch.Submit(new BatchSpec(name, BatchKind.Scenarios, BatchHelpers.Metrics, BatchHelpers.Scenarios(items), ChunkSize: chunkSize), Tester);
        return (id, batch);
    }

    private static string NewId() => Guid.NewGuid().ToString("N");
}
