using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using NevGrains.Api.V1;
using NevGrains.Contracts.Data;
using NevGrains.Contracts.Scenarios;
using NevGrains.Gateway.Hosting;
using NevGrains.Gateway.Mapping;

namespace NevGrains.Gateway.Services;

/// <summary>Scenarios one at a time: runs go to the worker pool; market and brand queries to their grains.</summary>
public sealed class ScenarioApi(IGrainFactory grains) : ScenarioService.ScenarioServiceBase
{
    private IScenarioWorkerGrain Worker => grains.GetGrain<IScenarioWorkerGrain>(0);

    [Authorize(Policy = Security.Roles.Planner)]
    public override async Task<RunScenarioResponse> RunScenario(RunScenarioRequest request, ServerCallContext context)
    {
        var scenario = RequestMapper.Scenario(request.Scenario);
        var result = await CallerContext.Prefixed("scenario",
            () => Worker.Run(scenario, CallerContext.Version(request.DatasetVersion), context.CancellationToken));
        Telemetry.Evaluated("run");
        return new RunScenarioResponse { Result = ResponseMapper.Result(result, request.Filter) };
    }

    [Authorize(Policy = Security.Roles.Planner)]
    public override async Task<CompareScenarioResponse> CompareScenario(CompareScenarioRequest request, ServerCallContext context)
    {
        var scenario = RequestMapper.Scenario(request.Scenario);
        var comparison = await CallerContext.Prefixed("scenario",
            () => Worker.Compare(scenario, CallerContext.Version(request.DatasetVersion), context.CancellationToken));
        Telemetry.Evaluated("compare");
        var keep = ResponseMapper.Filter.Of(request.Filter);
        var response = new CompareScenarioResponse { Scenario = comparison.Scenario, DatasetVersion = comparison.DatasetVersion };
        response.Cells.AddRange(comparison.Cells.Where(c => keep.Cell(c.Owner, c.IsCompetitor, c.Market, c.Year)).Select(ResponseMapper.Change));
        return response;
    }

    [Authorize(Policy = Security.Roles.Planner)]
    public override async Task<ExplainScenarioResponse> ExplainScenario(ExplainScenarioRequest request, ServerCallContext context)
    {
        var scenario = RequestMapper.Scenario(request.Scenario);
        var explanation = await CallerContext.Prefixed("scenario",
            () => Worker.Explain(scenario, ResponseMapper.Metric(request.Metric), CallerContext.Version(request.DatasetVersion), context.CancellationToken));
        Telemetry.Evaluated("explain");
        var keep = ResponseMapper.Filter.Of(request.Filter);
        var response = new ExplainScenarioResponse
        {
            Scenario = explanation.Scenario,
            DatasetVersion = explanation.DatasetVersion,
            Metric = ResponseMapper.Metric(explanation.Metric),
        };
        response.Drivers.AddRange(explanation.Drivers.Select(ResponseMapper.Driver));
        response.Cells.AddRange(explanation.Cells.Where(c => keep.Cell(c.Owner, c.IsCompetitor, c.Market, c.Year)).Select(ResponseMapper.Explained));
        return response;
    }

    [Authorize(Policy = Security.Roles.Reader)]
    public override async Task<QueryMarketResponse> QueryMarket(QueryMarketRequest request, ServerCallContext context)
    {
        Require.Id(request.Market, "market");
        var scenario = request.Scenario is null ? Model.Scenarios.Scenario.Base() : RequestMapper.Scenario(request.Scenario);
        var projection = await CallerContext.Prefixed("scenario", () =>
            grains.GetGrain<IMarketGrain>(request.Market).Project(scenario, CallerContext.Version(request.DatasetVersion), context.CancellationToken));
        Telemetry.Evaluated("market");
        var response = new QueryMarketResponse { Market = projection.Market, Scenario = projection.Scenario, DatasetVersion = projection.DatasetVersion };
        response.Years.AddRange(projection.Years.Select(ResponseMapper.Market));
        response.Cells.AddRange(projection.Cells.Select(ResponseMapper.Cell));
        return response;
    }

    [Authorize(Policy = Security.Roles.Reader)]
    public override async Task<QueryBrandResponse> QueryBrand(QueryBrandRequest request, ServerCallContext context)
    {
        Require.Id(request.Brand, "brand");
        var scenario = request.Scenario is null ? Model.Scenarios.Scenario.Base() : RequestMapper.Scenario(request.Scenario);
        var report = await CallerContext.Prefixed("scenario", () =>
            grains.GetGrain<IBrandGrain>(request.Brand).Report(scenario, CallerContext.Version(request.DatasetVersion), context.CancellationToken));
        Telemetry.Evaluated("brand");
        var response = new QueryBrandResponse { Brand = report.Brand, Scenario = report.Scenario, DatasetVersion = report.DatasetVersion };
        response.Years.AddRange(report.Years.Select(ResponseMapper.Brand));
        response.Cells.AddRange(report.Cells.Select(ResponseMapper.Cell));
        response.Plants.AddRange(report.Plants.Select(ResponseMapper.Plant));
        return response;
    }
}
