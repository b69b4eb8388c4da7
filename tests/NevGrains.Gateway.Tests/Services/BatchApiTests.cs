using Grpc.Core;
using NevGrains.Api.V1;
using NevGrains.Gateway.Tests.Support;

namespace NevGrains.Gateway.Tests.Services;

[Collection(GatewayCollection.Name)]
public sealed class BatchApiTests(GatewayFixture gateway)
{
    // A planner of its own: other test classes' batches and experiments (the Node client's, the examples') never count against
    // its batch limit while these tests run.
    private readonly BatchService.BatchServiceClient batches = gateway.Batches(Keys.SoloPlanner);

    [Fact]
    public async Task A_submitted_batch_streams_every_result_in_order_and_resumes_from_an_offset()
    {
        var id = NewId();
        var submitted = await batches.SubmitBatchAsync(new SubmitBatchRequest { BatchId = id, Spec = Requests.ScenarioBatch(5) });
        Assert.Equal(5, submitted.Status.Total);
        Assert.Equal(2, submitted.Status.ChunkSize);

        var all = await ReadAll(batches.StreamBatchResults(new StreamBatchResultsRequest { BatchId = id }));
        var resumed = await ReadAll(batches.StreamBatchResults(new StreamBatchResultsRequest { BatchId = id, FromIndex = 3 }));

        Assert.Equal([0, 1, 2, 3, 4], all.Select(r => r.Index));
        Assert.All(all, r => Assert.True(string.IsNullOrEmpty(r.Error), r.Error));
        Assert.Equal("eu-duty-0", all[0].Label);
        // A higher EU duty never raises BYD's EU volume.
        var units = all.Select(r => r.Values.Single()).ToList();
        Assert.True(units.Zip(units.Skip(1)).All(p => p.Second <= p.First + 1e-6), string.Join(", ", units));
        Assert.Equal([3, 4], resumed.Select(r => r.Index));
        Assert.Equal(all[3].Values, resumed[0].Values);

        var status = await batches.GetBatchAsync(new GetBatchRequest { BatchId = id });
        Assert.Equal(BatchState.Completed, status.Status.State);
        Assert.Equal(5, status.Status.Completed);
    }

    [Fact]
    public async Task A_streaming_run_sends_the_status_first_then_each_result()
    {
        using var call = batches.RunBatchStream(new RunBatchStreamRequest { BatchId = NewId(), Spec = Requests.SweepBatch(12) });

        var events = new List<RunBatchStreamResponse>();
        await foreach (var item in call.ResponseStream.ReadAllAsync())
        {
            events.Add(item);
        }

        Assert.Equal(RunBatchStreamResponse.EventOneofCase.Status, events[0].EventCase);
        Assert.Equal(12, events[0].Status.Total);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (long)i), events.Skip(1).Select(e => e.Result.Index));
    }

    [Fact]
    public async Task Submitting_the_same_id_again_returns_the_same_batch()
    {
        var id = NewId();
        var first = await batches.SubmitBatchAsync(new SubmitBatchRequest { BatchId = id, Spec = Requests.ScenarioBatch(2) });
        var again = await batches.SubmitBatchAsync(new SubmitBatchRequest { BatchId = id, Spec = Requests.ScenarioBatch(2) });

        Assert.Equal(first.Status.CreatedAt, again.Status.CreatedAt);
        Assert.Equal(2, again.Status.Total);
        await ReadToTheEnd(id);
    }

    [Fact]
    public async Task A_cancelled_batch_stops_and_says_so()
    {
        var id = NewId();
        // A caller of its own: this class's short batches may still run (a slow Debug build) and hold the solo planner's slots.
        var batches = gateway.Batches(Keys.OtherPlanner);
        await batches.SubmitBatchAsync(new SubmitBatchRequest { BatchId = id, Spec = Requests.SweepBatch(300) });

        var cancelled = await batches.CancelBatchAsync(new CancelBatchRequest { BatchId = id });

        Assert.Equal(BatchState.Cancelled, cancelled.Status.State);
        var later = await batches.GetBatchAsync(new GetBatchRequest { BatchId = id });
        Assert.Equal(BatchState.Cancelled, later.Status.State);
        // Submitting its id again answers the cancelled batch; it does not start it again.
        var again = await batches.SubmitBatchAsync(new SubmitBatchRequest { BatchId = id, Spec = Requests.SweepBatch(300) });
        Assert.Equal(BatchState.Cancelled, again.Status.State);
        Assert.Equal(cancelled.Status.CreatedAt, again.Status.CreatedAt);
    }

    [Fact]
    public async Task Another_caller_cannot_read_or_cancel_a_batch()
    {
        var id = NewId();
        await batches.SubmitBatchAsync(new SubmitBatchRequest { BatchId = id, Spec = Requests.ScenarioBatch(1) });
        var other = gateway.Batches(Keys.OtherPlanner);

        await RpcAssert.Fails(StatusCode.PermissionDenied, () => other.GetBatchAsync(new GetBatchRequest { BatchId = id }).ResponseAsync);
        await RpcAssert.Fails(StatusCode.PermissionDenied, () => other.CancelBatchAsync(new CancelBatchRequest { BatchId = id }).ResponseAsync);
        // An admin may look at any batch.
        var seen = await gateway.Batches(Keys.Admin).GetBatchAsync(new GetBatchRequest { BatchId = id });
        Assert.Equal(id, seen.Status.BatchId);
        await ReadToTheEnd(id);
    }

    [Fact]
    public async Task An_unknown_batch_is_not_found()
    {
        await RpcAssert.Fails(StatusCode.NotFound, () => batches.GetBatchAsync(new GetBatchRequest { BatchId = "never-submitted" }).ResponseAsync);
        await RpcAssert.Fails(StatusCode.NotFound, () => ReadAll(batches.StreamBatchResults(new StreamBatchResultsRequest { BatchId = "never-submitted" })));
    }

    [Fact]
    public async Task Empty_and_oversized_batches_are_refused()
    {
        var empty = new BatchSpec { Name = "empty", Scenarios = new ScenarioList { Metrics = { Requests.BydEuropeUnits() } } };
        var error = await RpcAssert.Fails(StatusCode.InvalidArgument,
            () => batches.SubmitBatchAsync(new SubmitBatchRequest { BatchId = NewId(), Spec = empty }).ResponseAsync);
        Assert.StartsWith("spec.scenarios", error.Status.Detail, StringComparison.Ordinal);

        var tooLarge = await RpcAssert.Fails(StatusCode.ResourceExhausted,
            () => batches.SubmitBatchAsync(new SubmitBatchRequest { BatchId = NewId(), Spec = Requests.SweepBatch((int)GatewayFixture.MaxBatchItems + 1) }).ResponseAsync);
        Assert.Contains(GatewayFixture.MaxBatchItems.ToString(System.Globalization.CultureInfo.InvariantCulture), tooLarge.Status.Detail, StringComparison.Ordinal);

        await RpcAssert.Fails(StatusCode.InvalidArgument, () => batches.SubmitBatchAsync(new SubmitBatchRequest { BatchId = NewId() }).ResponseAsync);
        await RpcAssert.Fails(StatusCode.InvalidArgument,
            () => batches.SubmitBatchAsync(new SubmitBatchRequest { BatchId = "no spaces allowed", Spec = Requests.ScenarioBatch(1) }).ResponseAsync);
    }

    [Fact]
    public async Task A_caller_running_too_many_batches_is_told_to_wait()
    {
        var caller = gateway.Batches(Keys.OtherPlanner);
        await using (await AtTheLimit.Fill(caller))
        {
            var error = await RpcAssert.Fails(StatusCode.ResourceExhausted,
                () => caller.SubmitBatchAsync(new SubmitBatchRequest { BatchId = NewId(), Spec = Requests.SweepBatch(2) }).ResponseAsync);
            Assert.Contains("petra", error.Status.Detail, StringComparison.Ordinal);
            // The limit is per caller: another planner still gets through.
            var id2 = NewId();
            await batches.SubmitBatchAsync(new SubmitBatchRequest { BatchId = id2, Spec = Requests.ScenarioBatch(1) });
            Assert.Single(await ReadToTheEnd(id2));
        }
    }

    [Fact]
    public async Task A_caller_who_read_a_batch_to_the_end_may_submit_the_next_at_once()
    {
        // Batch jobs run batches back to back at their limit: the end of a stream means the batch is final and its slot is free.
        for (var round = 0; round < 3; round++)
        {
            var ids = Enumerable.Range(0, GatewayFixture.MaxConcurrentBatches).Select(_ => NewId()).ToList();
            foreach (var id in ids)
            {
                await batches.SubmitBatchAsync(new SubmitBatchRequest { BatchId = id, Spec = Requests.ScenarioBatch(1) });
            }
            foreach (var id in ids)
            {
                Assert.Single(await ReadToTheEnd(id));
                var status = await batches.GetBatchAsync(new GetBatchRequest { BatchId = id });
                Assert.Equal(BatchState.Completed, status.Status.State);
            }
        }
    }

    [Fact]
    public async Task A_malformed_batch_is_told_what_is_wrong_even_at_the_callers_limit()
    {
        var caller = gateway.Batches(Keys.OtherPlanner);
        await using (await AtTheLimit.Fill(caller))
        {
            var empty = new BatchSpec { Name = "empty", Scenarios = new ScenarioList { Metrics = { Requests.BydEuropeUnits() } } };
            var error = await RpcAssert.Fails(StatusCode.InvalidArgument,
                () => caller.SubmitBatchAsync(new SubmitBatchRequest { BatchId = NewId(), Spec = empty }).ResponseAsync);
            Assert.StartsWith("spec.scenarios", error.Status.Detail, StringComparison.Ordinal);
        }
    }

    /// <summary>Streams the solo planner's batch to its end: it is final, and its slot free, when this returns.</summary>
    private Task<List<BatchItemResult>> ReadToTheEnd(string id) => ReadAll(batches.StreamBatchResults(new StreamBatchResultsRequest { BatchId = id }));

    /// <summary>A caller's batch slots held by long sweeps, cancelled again on dispose.</summary>
    private sealed class AtTheLimit(BatchService.BatchServiceClient caller, List<string> running) : IAsyncDisposable
    {
        public static async Task<AtTheLimit> Fill(BatchService.BatchServiceClient caller)
        {
            var running = new List<string>();
            var held = new AtTheLimit(caller, running);
            try
            {
                for (var i = 0; i < GatewayFixture.MaxConcurrentBatches; i++)
                {
                    var id = NewId();
                    await caller.SubmitBatchAsync(new SubmitBatchRequest { BatchId = id, Spec = Requests.SweepBatch(400) });
                    running.Add(id);
                }
                return held;
            }
            catch
            {
                await held.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var id in running)
            {
                await caller.CancelBatchAsync(new CancelBatchRequest { BatchId = id });
            }
        }
    }

    private static string NewId() => "t-" + Guid.NewGuid().ToString("N")[..16];

    private static async Task<List<BatchItemResult>> ReadAll(AsyncServerStreamingCall<StreamBatchResultsResponse> call)
    {
        using (call)
        {
            var results = new List<BatchItemResult>();
            await foreach (var item in call.ResponseStream.ReadAllAsync())
            {
                results.Add(item.Result);
            }
            return results;
        }
    }
}
