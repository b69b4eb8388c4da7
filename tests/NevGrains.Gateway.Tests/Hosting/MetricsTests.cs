using NevGrains.Api.V1;
using NevGrains.Gateway.Tests.Support;

namespace NevGrains.Gateway.Tests.Hosting;

/// <summary>What an admin's Prometheus scrapes from the gateway: gRPC calls, scenarios evaluated, batch work pending, Orleans.</summary>
[Collection(GatewayCollection.Name)]
public sealed class MetricsTests(GatewayFixture gateway)
{
    [Fact]
    public async Task Prometheus_sees_grpc_calls_scenarios_evaluated_pending_batch_work_and_orleans()
    {
        await gateway.Scenarios().RunScenarioAsync(new RunScenarioRequest
        {
            Scenario = new Scenario { Name = "scraped", Horizon = 2026 },
            Filter = new ResultFilter { Owners = { "byd" }, Markets = { "hu" } },
        });
        var id = "metrics-" + Guid.NewGuid().ToString("N")[..8];
        // As the admin, so this batch never counts against the planner whose batch limits other tests reach.
        await gateway.Batches(Keys.Admin).SubmitBatchAsync(new SubmitBatchRequest { BatchId = id, Spec = Requests.SweepBatch(200) });

        using var http = new HttpClient();
        // By IP, as a Prometheus target is given.
        var metrics = await http.GetStringAsync(new Uri($"http://127.0.0.1:{gateway.MetricsPort}/metrics"), TestContext.Current.CancellationToken);

        await gateway.Batches(Keys.Admin).CancelBatchAsync(new CancelBatchRequest { BatchId = id });

        var lines = metrics.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("nevgrains_scenarios_evaluated_total{", StringComparison.Ordinal) && l.Contains("kind=\"run\"", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("nevgrains_batches_submitted_total", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("nevgrains_batch_items_pending", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("nevgrains_batches_running", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal)
            && l.Contains("/nevgrains.v1.ScenarioService/RunScenario", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("orleans_", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("dotnet_gc_collections_total", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("dotnet_thread_pool_queue_length", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_metrics_port_that_is_also_the_grpc_port_is_refused_at_start()
    {
        var port = TestSupport.LoopbackPorts.Free();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => GatewayHost.Start(new Dictionary<string, string?>
        {
            ["Urls"] = $"http://127.0.0.1:{port}",
            ["NevGrains:Gateway:MetricsPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }));
        Assert.Contains("MetricsPort", error.Message, StringComparison.Ordinal);
        Assert.Contains("a port of its own", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_are_served_on_their_own_port_only()
    {
        // The gRPC port speaks HTTP/2 (prior knowledge); asked the same path there, the gateway has no such endpoint.
        using var h2c = new HttpClient { DefaultRequestVersion = System.Net.HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await h2c.GetAsync(new Uri(gateway.Host.Address, "/metrics"), TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }
}
