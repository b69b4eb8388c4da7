using NevGrains.Api.V1;
using NevGrains.Silo.Tests.Support;
using NevGrains.TestSupport;

namespace NevGrains.Silo.Tests;

/// <summary>
/// What an admin scaling a cluster relies on, with real processes on loopback and state on Azurite: a silo that dies (SIGKILL)
/// or is drained mid-batch costs time, never a result; a silo added mid-batch takes its share of the work.
/// </summary>
public sealed class ClusterScalingTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    // Large enough that the batch is still running when the silo goes away on a two-core machine, small enough to finish quickly.
    // 4,000 points needed 5-6 minutes of a busy machine in Debug, against the 6-minute wait (seen to time out when the test
    // assemblies ran side by side); 2,000 leave 1,600 items, most of the batch, after the drain starts.
    private const int Points = 2_000;

    private static readonly TimeSpan BatchTimeout = TimeSpan.FromMinutes(6);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_killed_silo_loses_no_result_and_a_silo_added_mid_batch_receives_work()
    {
        await using var cluster = new LoopbackCluster(azurite.ConnectionString);
        await cluster.StartSilo("silo-a");
        var doomed = await cluster.StartSilo("silo-b");
        await cluster.StartGateway();

        var id = "kill-" + Guid.NewGuid().ToString("N")[..8];
        await cluster.Batches.SubmitBatchAsync(new SubmitBatchRequest { BatchId = id, Spec = Sweep(Points) }, cancellationToken: Ct);
        await WaitForProgress(cluster, id, Points / 20);

        await cluster.StartSilo("silo-c");
        await cluster.Until(async () => (await cluster.Admin.GetClusterStatusAsync(new GetClusterStatusRequest(), cancellationToken: Ct)).Silos.Count == 3,
            TimeSpan.FromMinutes(1), "the cluster did not list three silos");
        await WaitForProgress(cluster, id, Points / 4);

        var beforeKill = await Status(cluster, id);
        Assert.True(beforeKill.State == BatchState.Running, $"the batch finished before the kill ({beforeKill.Completed}/{Points}); make it larger");
        doomed.Kill();

        var done = await WaitForEnd(cluster, id);
        Assert.Equal(BatchState.Completed, done.State);
        await AssertEveryResultOnce(cluster, id);
        Assert.True(ItemsOn(done, cluster.SiloPorts["silo-c"]) > 0,
            $"the silo added mid-batch did no work: {string.Join(", ", done.ItemsBySilo.Select(kv => $"{kv.Key}={kv.Value}"))}");
        Assert.True(ItemsOn(done, cluster.SiloPorts["silo-a"]) > 0);
    }

    [Fact]
    public async Task A_drained_silo_exits_cleanly_and_the_batch_completes_on_the_others()
    {
        await using var cluster = new LoopbackCluster(azurite.ConnectionString);
        var dashboard = new Dictionary<string, string> { ["NevGrains__Dashboard__Enabled"] = "true" };
        await cluster.StartSilo("silo-a", dashboard);
        var drained = await cluster.StartSilo("silo-b", dashboard);
        await cluster.StartGateway();

        var id = "drain-" + Guid.NewGuid().ToString("N")[..8];
        await cluster.Batches.SubmitBatchAsync(new SubmitBatchRequest { BatchId = id, Spec = Sweep(Points) }, cancellationToken: Ct);
        await WaitForProgress(cluster, id, Points / 5);

        var accepted = await cluster.Admin.DrainSiloAsync(new DrainSiloRequest { Silo = "silo-b" }, cancellationToken: Ct);
        Assert.Equal("silo-b", accepted.Name);
        Assert.True(await drained.WaitForExit(TimeSpan.FromMinutes(1)), $"the drained silo did not exit:\n{drained.Output()}");
        Assert.Equal(0, drained.ExitCode);
        var status = await cluster.Admin.GetClusterStatusAsync(new GetClusterStatusRequest(), cancellationToken: Ct);
        Assert.Equal("silo-a", Assert.Single(status.Silos).Name);

        var done = await WaitForEnd(cluster, id);
        Assert.Equal(BatchState.Completed, done.State);
        await AssertEveryResultOnce(cluster, id);

        // What Prometheus scrapes from the surviving silo: Orleans' meter and the batch work this silo did.
        using var http = new HttpClient();
        var metrics = await http.GetStringAsync(new Uri($"http://127.0.0.1:{cluster.HttpPorts["silo-a"]}/metrics"), Ct);
        Assert.Contains("orleans_", metrics, StringComparison.Ordinal);
        Assert.Contains("nevgrains_batch_items_evaluated_total", metrics, StringComparison.Ordinal);
        Assert.Contains("dotnet_gc_collections_total", metrics, StringComparison.Ordinal);

        // The Orleans dashboard, enabled by option, answers on the silo's HTTP port (from loopback).
        var page = await http.GetAsync(new Uri($"http://127.0.0.1:{cluster.HttpPorts["silo-a"]}/dashboard/"), Ct);
        Assert.True(page.IsSuccessStatusCode, $"dashboard: {(int)page.StatusCode}");
        Assert.Contains("<html", await page.Content.ReadAsStringAsync(Ct), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_batch_outlives_storage_going_down_and_a_gateway_killed_mid_stream_and_every_stream_returns_each_result_once_and_ends()
    {
        await using var cluster = new LoopbackCluster(azurite.ConnectionString);
        var siloA = await cluster.StartSilo("silo-a");
        var siloB = await cluster.StartSilo("silo-b");
        await cluster.StartGateway();
        var id = "outage-" + Guid.NewGuid().ToString("N")[..8];
        await cluster.Batches.SubmitBatchAsync(new SubmitBatchRequest { BatchId = id, Spec = Sweep(Points) }, cancellationToken: Ct);
        await WaitForProgress(cluster, id, Points / 10);

        // A client streams the results as they come, and resumes after the index it last got whenever the stream breaks.
        var received = new List<long>();
        var streamBroke = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var client = Task.Run(async () =>
        {
            while (true)
            {
                try
                {
                    var from = received.Count == 0 ? 0 : received[^1] + 1;
                    using var stream = cluster.Batches.StreamBatchResults(new StreamBatchResultsRequest { BatchId = id, FromIndex = from }, cancellationToken: reading.Token);
                    while (await stream.ResponseStream.MoveNext(reading.Token))
                    {
                        received.Add(stream.ResponseStream.Current.Result.Index);
                    }
                    return;
                }
                catch (Exception ex) when (ex is ObjectDisposedException // the channel to the dead gateway, replaced
                    || (ex is Grpc.Core.RpcException rpc && rpc.StatusCode is Grpc.Core.StatusCode.Unavailable or Grpc.Core.StatusCode.Internal
                        or Grpc.Core.StatusCode.Unknown or Grpc.Core.StatusCode.DeadlineExceeded or Grpc.Core.StatusCode.Cancelled
                        && !reading.IsCancellationRequested))
                {
                    streamBroke.TrySetResult();
                    await Task.Delay(200, reading.Token); // a client's back-off before it reconnects
                }
            }
        }, reading.Token);

        // The gateway dies under the open stream (SIGKILL) and a new one starts; the client reconnects and resumes.
        await WaitForProgress(cluster, id, Points / 5);
        await cluster.RestartGateway();
        await streamBroke.Task.WaitAsync(BatchTimeout, Ct);

        // Then storage goes down mid-batch until a silo has seen a chunk's write fail, and comes back with its data.
        var beforeOutage = await Status(cluster, id);
        Assert.True(beforeOutage.State == BatchState.Running, $"the batch finished before the storage outage ({beforeOutage.Completed}/{Points}); make it larger");
        var chunkFailed = Task.WhenAny(siloA.Logged("failed; retrying"), siloB.Logged("failed; retrying"));
        azurite.Stop();
        try
        {
            await chunkFailed.WaitAsync(BatchTimeout, Ct);
        }
        finally
        {
            await azurite.Restart();
        }
        var done = await WaitForEnd(cluster, id);
        await client.WaitAsync(BatchTimeout, Ct);

        Assert.Equal(BatchState.Completed, done.State);
        Assert.Equal(Enumerable.Range(0, Points).Select(i => (long)i), received);
        await AssertEveryResultOnce(cluster, id);
        foreach (var from in new[] { 1L, Random.Shared.NextInt64(2, Points - 1), Points - 1L })
        {
            var tail = new List<long>();
            using var stream = cluster.Batches.StreamBatchResults(new StreamBatchResultsRequest { BatchId = id, FromIndex = from }, cancellationToken: Ct);
            while (await stream.ResponseStream.MoveNext(Ct))
            {
                tail.Add(stream.ResponseStream.Current.Result.Index);
            }
            Assert.Equal(Enumerable.Range((int)from, Points - (int)from).Select(i => (long)i), tail);
        }
    }

    /// <summary>A sweep of the EU duty on BYD: one scenario per point, no inputs to upload.</summary>
    private static BatchSpec Sweep(int points)
    {
        var axis = new SweepAxis { Target = "levers[0].rate" };
        for (var i = 0; i < points; i++)
        {
            axis.Values.Add(0.5 * i / (points - 1));
        }
        return new BatchSpec
        {
            Name = "scaling",
            ChunkSize = 10,
            Sweep = new SweepSpec
            {
                Scenario = new Scenario
                {
                    Name = "eu-duty",
                    Horizon = 2027,
                    Levers = { new Lever { Tariff = new TariffLever { Jurisdiction = "eu", Brands = { "byd" }, Rate = 0, From = "2026-01-01" } } },
                },
                Axes = { axis },
                Metrics = { new MetricSpec { Name = "byd-eu", Metric = MetricKind.Units, Owner = "byd", Year = 2027, Markets = { "eu" } } },
            },
        };
    }

    private static async Task<BatchStatus> Status(LoopbackCluster cluster, string id) =>
        (await cluster.Batches.GetBatchAsync(new GetBatchRequest { BatchId = id }, deadline: DateTime.UtcNow.AddSeconds(60), cancellationToken: Ct)).Status;

    private static Task WaitForProgress(LoopbackCluster cluster, string id, long completed) =>
        cluster.Until(async () => (await Status(cluster, id)).Completed >= completed, BatchTimeout, $"the batch did not reach {completed} items");

    /// <summary>Polls like a batch client would; a call that fails while a dead silo is being detected is retried.</summary>
    private static async Task<BatchStatus> WaitForEnd(LoopbackCluster cluster, string id)
    {
        BatchStatus? last = null;
        await cluster.Until(async () =>
        {
            try
            {
                last = await Status(cluster, id);
                return last.State != BatchState.Running;
            }
            catch (Grpc.Core.RpcException ex) when (ex.StatusCode is Grpc.Core.StatusCode.Unavailable or Grpc.Core.StatusCode.DeadlineExceeded)
            {
                return false;
            }
        }, BatchTimeout, "the batch did not finish");
        return last!;
    }

    private static async Task AssertEveryResultOnce(LoopbackCluster cluster, string id)
    {
        var seen = new HashSet<long>();
        var duplicates = 0;
        using var stream = cluster.Batches.StreamBatchResults(new StreamBatchResultsRequest { BatchId = id }, cancellationToken: Ct);
        while (await stream.ResponseStream.MoveNext(Ct))
        {
            var result = stream.ResponseStream.Current.Result;
            Assert.True(string.IsNullOrEmpty(result.Error), $"item {result.Index} failed: {result.Error}");
            Assert.Single(result.Values);
            duplicates += seen.Add(result.Index) ? 0 : 1;
        }
        Assert.Equal(0, duplicates);
        Assert.Equal(Points, seen.Count);
        Assert.Equal(Points - 1, seen.Max());
    }

    private static long ItemsOn(BatchStatus status, int siloPort) =>
        status.ItemsBySilo.Where(kv => kv.Key.Contains($":{siloPort}:", StringComparison.Ordinal) || kv.Key.Contains($":{siloPort}@", StringComparison.Ordinal))
            .Sum(kv => kv.Value);
}
