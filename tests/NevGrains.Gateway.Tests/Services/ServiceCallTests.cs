using Grpc.Core;
using NevGrains.Api.V1;
using NevGrains.Gateway.Services;
using NevGrains.Gateway.Tests.Support;

namespace NevGrains.Gateway.Tests.Services;

/// <summary>
/// The gRPC services called as methods with a test call context (no Kestrel): the request rules the grains apply (ownership,
/// limits), filters and result streams, through the same error interceptor the gateway uses.
/// </summary>
public sealed class ServiceCallTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static TestServerCallContext Planner(string name = "pia") => TestServerCallContext.For(name, Cancel, "planner");

    private BatchApi Batches => new(fixture.Grains, fixture.Options, fixture.Metrics);

    [Fact]
    public async Task A_batch_answers_only_its_owner_and_admins()
    {
        var id = $"owned-{Guid.NewGuid():N}";
        await Call(new SubmitBatchRequest { BatchId = id, Spec = Requests.ScenarioBatch(2) }, Planner(), Batches.SubmitBatch);

        var read = await Assert.ThrowsAsync<RpcException>(() => Call(new GetBatchRequest { BatchId = id }, Planner("other"), Batches.GetBatch));
        var cancel = await Assert.ThrowsAsync<RpcException>(() => Call(new CancelBatchRequest { BatchId = id }, Planner("other"), Batches.CancelBatch));
        var resubmit = await Assert.ThrowsAsync<RpcException>(() =>
            Call(new SubmitBatchRequest { BatchId = id, Spec = Requests.ScenarioBatch(2) }, Planner("other"), Batches.SubmitBatch));
        var byAdmin = await Call(new GetBatchRequest { BatchId = id }, TestServerCallContext.For("ada", Cancel, "admin"), Batches.GetBatch);

        Assert.Equal(StatusCode.PermissionDenied, read.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, cancel.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, resubmit.StatusCode);
        Assert.Equal(id, byAdmin.Status.BatchId);
    }

    [Fact]
    public async Task The_callers_limits_refuse_a_batch_and_an_experiment_before_any_work()
    {
        var experiments = new ExperimentApi(fixture.Grains, fixture.Options, fixture.Metrics);
        var draws = new RunMonteCarloRequest
        {
            MonteCarlo = new MonteCarloSpec { Scenario = Requests.EuTariff(0.2), Draws = (int)ServiceFixture.MaxExperimentRuns / 2 + 1, Metrics = { Requests.BydEuropeUnits() } },
        };

        var batch = await Assert.ThrowsAsync<RpcException>(() => Call(
            new SubmitBatchRequest { BatchId = "too-big", Spec = Requests.SweepBatch((int)ServiceFixture.MaxBatchItems + 1) }, Planner(), Batches.SubmitBatch));
        var experiment = await Assert.ThrowsAsync<RpcException>(() => Call(draws, Planner(), experiments.RunMonteCarlo));

        Assert.Equal(StatusCode.ResourceExhausted, batch.StatusCode);
        Assert.Contains($"at most {ServiceFixture.MaxBatchItems}", batch.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.ResourceExhausted, experiment.StatusCode);
        Assert.Contains("batch", experiment.Status.Detail, StringComparison.Ordinal);
        await Assert.ThrowsAsync<RpcException>(() => Call(new GetBatchRequest { BatchId = "too-big" }, Planner(), Batches.GetBatch)); // nothing stored
    }

    [Fact]
    public async Task A_result_stream_writes_each_result_once_in_order_from_any_index_and_always_ends()
    {
        var id = $"stream-{Guid.NewGuid():N}";
        await Call(new SubmitBatchRequest { BatchId = id, Spec = Requests.ScenarioBatch(5) }, Planner(), Batches.SubmitBatch);

        var all = await Stream(id, 0);
        var tail = await Stream(id, 3);
        var pastTheEnd = await Stream(id, 5);
        var farPastTheEnd = await Stream(id, long.MaxValue);

        Assert.Equal([0L, 1, 2, 3, 4], all.Select(r => r.Result.Index));
        Assert.All(all, r => Assert.Empty(r.Result.Error));
        Assert.Equal([3L, 4], tail.Select(r => r.Result.Index));
        Assert.Equal(all[3].Result.Values, tail[0].Result.Values);
        Assert.Empty(pastTheEnd);
        Assert.Empty(farPastTheEnd);
    }

    [Fact]
    public async Task A_filtered_run_returns_only_the_cells_asked_for()
    {
        var scenarios = new ScenarioApi(fixture.Grains, fixture.Metrics);
        var request = new RunScenarioRequest
        {
            Scenario = Requests.SzegedLateWithMinimumPrice(),
            Filter = new ResultFilter { Owners = { "byd" }, Markets = { "hu", "de" }, Years = { 2027 }, BrandsOnly = true },
        };

        var response = await Call(request, Planner(), scenarios.RunScenario);

        Assert.Equal(2, response.Result.Cells.Count);
        Assert.All(response.Result.Cells, c => Assert.True(c is { Owner: "byd", Year: 2027, Market: "hu" or "de" }));
        Assert.All(response.Result.Plants, p => Assert.True(p is { Brand: "byd", Year: 2027 }));
        Assert.NotEmpty(response.Result.Diagnostics.Years); // every year's solve, whatever the filter
    }

    private async Task<List<StreamBatchResultsResponse>> Stream(string id, long from)
    {
        var writer = new CollectingStreamWriter<StreamBatchResultsResponse>();
        await fixture.Errors.ServerStreamingServerHandler(new StreamBatchResultsRequest { BatchId = id, FromIndex = from }, writer, Planner(),
            Batches.StreamBatchResults);
        return writer.Written;
    }

    private Task<TResponse> Call<TRequest, TResponse>(TRequest request, ServerCallContext context, Func<TRequest, ServerCallContext, Task<TResponse>> method)
        where TRequest : class
        where TResponse : class =>
        fixture.Errors.UnaryServerHandler(request, context, (r, c) => method(r, c));
}
