using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using NevGrains.Api.V1;
using NevGrains.Contracts.Batches;
using NevGrains.Gateway.Hosting;
using NevGrains.Gateway.Mapping;
using Domain = NevGrains.Contracts.Batches;

namespace NevGrains.Gateway.Services;

/// <summary>
/// Durable batches. Results are pushed by the batch grain as its chunks are stored, one chunk in memory at a time, so a stream of
/// 100,000 results stays flat, and a client that lost its stream resumes from the next index.
/// </summary>
[Authorize(Policy = Security.Roles.Planner)]
public sealed class BatchApi(IGrainFactory grains, IOptions<GatewayOptions> options, GatewayMetrics metrics) : BatchService.BatchServiceBase
{
    /// <summary>How often in a row a result stream is opened again after its batch grain moved, before the caller is told.</summary>
    private const int MaxReopens = 5;

    public override async Task<SubmitBatchResponse> SubmitBatch(SubmitBatchRequest request, ServerCallContext context) =>
        new() { Status = ResponseMapper.Status(await Submit(request.BatchId, request.Spec, request.DatasetVersion, context)) };

    public override async Task<GetBatchResponse> GetBatch(GetBatchRequest request, ServerCallContext context) =>
        new() { Status = ResponseMapper.Status(await Owned(request.BatchId, context)) };

    public override async Task<CancelBatchResponse> CancelBatch(CancelBatchRequest request, ServerCallContext context)
    {
        Require.Id(request.BatchId, "batchId");
        var status = await grains.GetGrain<IBatchGrain>(request.BatchId).Cancel(context.Caller(options.Value.Limits));
        return new CancelBatchResponse { Status = ResponseMapper.Status(status) };
    }

    public override async Task StreamBatchResults(StreamBatchResultsRequest request, IServerStreamWriter<StreamBatchResultsResponse> responseStream,
        ServerCallContext context)
    {
        // The batch grain's stream checks the caller and the batch itself: no status round trip first.
        Require.Id(request.BatchId, "batchId");
        await Stream(request.BatchId, request.FromIndex, r => responseStream.WriteAsync(new StreamBatchResultsResponse { Result = r }, context.CancellationToken), context);
    }

    public override async Task RunBatchStream(RunBatchStreamRequest request, IServerStreamWriter<RunBatchStreamResponse> responseStream, ServerCallContext context)
    {
        var status = await Submit(request.BatchId, request.Spec, request.DatasetVersion, context);
        await responseStream.WriteAsync(new RunBatchStreamResponse { Status = ResponseMapper.Status(status) }, context.CancellationToken);
        await Stream(status.Id, request.FromIndex, r => responseStream.WriteAsync(new RunBatchStreamResponse { Result = r }, context.CancellationToken), context);
    }

    private async Task<Domain.BatchStatus> Submit(string id, Api.V1.BatchSpec? spec, string datasetVersion, ServerCallContext context)
    {
        Require.Id(id, "batchId");
        var submitted = await grains.GetGrain<IBatchGrain>(id).Submit(Map(spec, datasetVersion), context.Caller(options.Value.Limits));
        metrics.BatchSubmitted(submitted.Kind.ToString());
        return submitted;
    }

    private static Domain.BatchSpec Map(Api.V1.BatchSpec? spec, string datasetVersion)
    {
        if (spec is null)
        {
            throw Require.Invalid("spec", "missing");
        }
        var version = CallerContext.Version(datasetVersion);
        var chunk = spec.ChunkSize;
        return spec.ItemsCase switch
        {
            Api.V1.BatchSpec.ItemsOneofCase.Scenarios => new Domain.BatchSpec(spec.Name, BatchKind.Scenarios,
                RequestMapper.Metrics(spec.Scenarios.Metrics, "spec.scenarios.metrics"), MapScenarios(spec.Scenarios), DatasetVersion: version, ChunkSize: chunk),
            Api.V1.BatchSpec.ItemsOneofCase.Sweep => new Domain.BatchSpec(spec.Name, BatchKind.Sweep,
                Sweep: RequestMapper.Sweep(spec.Sweep, "spec.sweep"), DatasetVersion: version, ChunkSize: chunk),
            Api.V1.BatchSpec.ItemsOneofCase.MonteCarlo => new Domain.BatchSpec(spec.Name, BatchKind.MonteCarlo,
                MonteCarlo: RequestMapper.MonteCarlo(spec.MonteCarlo, "spec.monteCarlo"), DatasetVersion: version, ChunkSize: chunk),
            _ => throw Require.Invalid("spec.items", "set scenarios, sweep or monteCarlo"),
        };
    }

    private static System.Collections.Immutable.ImmutableArray<Model.Scenarios.Scenario> MapScenarios(ScenarioList list)
    {
        var mapper = new RequestMapper();
        var scenarios = list.Scenarios.Select((s, i) => mapper.MapScenario(s, $"spec.scenarios.scenarios[{i}]")).ToList();
        mapper.ThrowIfInvalid();
        return [.. scenarios];
    }

    private async Task<Domain.BatchStatus> Owned(string id, ServerCallContext context)
    {
        Require.Id(id, "batchId");
        return await grains.GetGrain<IBatchGrain>(id).Status(context.Caller(options.Value.Limits));
    }

    /// <summary>
    /// Writes the batch grain's result stream from <paramref name="from"/>. If the batch grain moves mid-stream (its silo drained or
    /// lost), the stream is opened again at the next index, so the caller sees every result once and an end.
    /// </summary>
    private async Task Stream(string id, long from, Func<Api.V1.BatchItemResult, Task> write, ServerCallContext context)
    {
        if (from < 0)
        {
            throw Require.Invalid("fromIndex", $"{from} is negative");
        }
        var caller = context.Caller(options.Value.Limits);
        var batch = grains.GetGrain<IBatchGrain>(id);
        var next = from;
        for (var reopened = 0; ; reopened++)
        {
            try
            {
                await foreach (var result in batch.Results(caller, next, context.CancellationToken).WithCancellation(context.CancellationToken))
                {
                    await write(ResponseMapper.Item(result));
                    next = result.Index + 1;
                    reopened = 0;
                }
                return;
            }
            catch (EnumerationAbortedException) when (reopened < MaxReopens && !context.CancellationToken.IsCancellationRequested)
            {
                // The grain was deactivated since the stream began: it reactivates from storage on the next call.
            }
        }
    }
}
