using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using NevGrains.Api.V1;
using NevGrains.Contracts.Scenarios;
using NevGrains.Gateway.Hosting;
using NevGrains.Gateway.Mapping;

namespace NevGrains.Gateway.Services;

/// <summary>Scenarios one at a time: each call maps the request, makes one call to the worker pool and maps the answer.</summary>
public sealed class ScenarioApi(IGrainFactory grains, GatewayMetrics metrics) : ScenarioService.ScenarioServiceBase
{
    private IScenarioWorkerGrain Worker => grains.GetGrain<IScenarioWorkerGrain>(0);

    [Authorize(Policy = Security.Roles.Planner)]
    public override async Task<RunScenarioResponse> RunScenario(RunScenarioRequest request, ServerCallContext context)
    {
        var scenario = RequestMapper.Scenario(request.Scenario);
        var version = CallerContext.Version(request.DatasetVersion);
        var result = await CallerContext.At("scenario",
            () => Worker.Run(scenario, version, RequestMapper.Filter(request.Filter), context.CancellationToken));
        metrics.Evaluated("run");
        return new RunScenarioResponse { Result = ResponseMapper.Result(result) };
    }

    [Authorize(Policy = Security.Roles.Planner)]
    public override async Task<CompareScenarioResponse> CompareScenario(CompareScenarioRequest request, ServerCallContext context)
    {
        var scenario = RequestMapper.Scenario(request.Scenario);
        var version = CallerContext.Version(request.DatasetVersion);
        var comparison = await CallerContext.At("scenario",
            () => Worker.Compare(scenario, version, RequestMapper.Filter(request.Filter), context.CancellationToken));
        metrics.Evaluated("compare");
        return ResponseMapper.Comparison(comparison);
    }

    [Authorize(Policy = Security.Roles.Planner)]
    public override async Task<ExplainScenarioResponse> ExplainScenario(ExplainScenarioRequest request, ServerCallContext context)
    {
        var scenario = RequestMapper.Scenario(request.Scenario);
        var version = CallerContext.Version(request.DatasetVersion);
        var explanation = await CallerContext.At("scenario", () => Worker.Explain(scenario, ResponseMapper.Metric(request.Metric),
            version, RequestMapper.Filter(request.Filter), context.CancellationToken));
        metrics.Evaluated("explain");
        return ResponseMapper.Explanation(explanation);
    }

    [Authorize(Policy = Security.Roles.Reader)]
    public override async Task<QueryMarketResponse> QueryMarket(QueryMarketRequest request, ServerCallContext context)
    {
        Require.Id(request.Market, "market");
        var scenario = request.Scenario is null ? Model.Scenarios.Scenario.Base() : RequestMapper.Scenario(request.Scenario);
        var version = CallerContext.Version(request.DatasetVersion);
        var projection = await CallerContext.At("scenario",
            () => Worker.ProjectMarket(request.Market, scenario, version, context.CancellationToken));
        metrics.Evaluated("market");
        return ResponseMapper.Market(projection);
    }

    [Authorize(Policy = Security.Roles.Reader)]
    public override async Task<QueryBrandResponse> QueryBrand(QueryBrandRequest request, ServerCallContext context)
    {
        Require.Id(request.Brand, "brand");
        var scenario = request.Scenario is null ? Model.Scenarios.Scenario.Base() : RequestMapper.Scenario(request.Scenario);
        var version = CallerContext.Version(request.DatasetVersion);
        var report = await CallerContext.At("scenario",
            () => Worker.ReportBrand(request.Brand, scenario, version, context.CancellationToken));
        metrics.Evaluated("brand");
        return ResponseMapper.Brand(report);
    }
}
