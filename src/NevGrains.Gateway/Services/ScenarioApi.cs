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
        var (result, baseline) = await CallerContext.Prefixed("scenario",
            () => RunWithBase(scenario, CallerContext.Version(request.DatasetVersion), context.CancellationToken));
        var comparison = Model.Results.Comparison.Of(baseline, result);
        Telemetry.Evaluated("compare");
        var keep = ResponseMapper.Filter.Of(request.Filter);
        var response = new CompareScenarioResponse
        {
            Scenario = comparison.Scenario,
            DatasetVersion = comparison.DatasetVersion,
            Diagnostics = ResponseMapper.Diagnostics(result.Diagnostics),
            BaseDiagnostics = ResponseMapper.Diagnostics(baseline.Diagnostics),
        };
        response.Cells.AddRange(comparison.Cells.Where(c => keep.Cell(c.Owner, c.IsCompetitor, c.Market, c.Year)).Select(ResponseMapper.Change));
        return response;
    }

    [Authorize(Policy = Security.Roles.Planner)]
    public override async Task<ExplainScenarioResponse> ExplainScenario(ExplainScenarioRequest request, ServerCallContext context)
    {
        var scenario = RequestMapper.Scenario(request.Scenario);
        var version = CallerContext.Version(request.DatasetVersion);
        var (explanation, diagnostics, baseDiagnostics) = await CallerContext.Prefixed("scenario", async () =>
        {
            var explained = await Worker.Explain(scenario, ResponseMapper.Metric(request.Metric), version, context.CancellationToken);
            if (explained is { Diagnostics: { } own, BaseDiagnostics: { } ofBase })
            {
                return (explained, own, ofBase);
            }
            // A silo from before explanations carried their solves' diagnostics: take them from the two ends, run again.
            var (result, baseline) = await RunWithBase(scenario, explained.DatasetVersion, context.CancellationToken);
            return (explained, result.Diagnostics, baseline.Diagnostics);
        });
        Telemetry.Evaluated("explain");
        var keep = ResponseMapper.Filter.Of(request.Filter);
        var response = new ExplainScenarioResponse
        {
            Scenario = explanation.Scenario,
            DatasetVersion = explanation.DatasetVersion,
            Metric = ResponseMapper.Metric(explanation.Metric),
            Diagnostics = ResponseMapper.Diagnostics(diagnostics),
            BaseDiagnostics = ResponseMapper.Diagnostics(baseDiagnostics),
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
        if (projection.Diagnostics is { } diagnostics)
        {
            response.Diagnostics = ResponseMapper.Diagnostics(diagnostics);
        }
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
        if (report.Diagnostics is { } diagnostics)
        {
            response.Diagnostics = ResponseMapper.Diagnostics(diagnostics);
        }
        return response;
    }

    /// <summary>
    /// A scenario and its base (no levers; the scenario's horizon and parameters) on one dataset version, run side by side on two
    /// workers: what a comparison pairs, each with its solver diagnostics.
    /// </summary>
    private async Task<(Model.Results.ScenarioResult Scenario, Model.Results.ScenarioResult Base)> RunWithBase(Model.Scenarios.Scenario scenario, string? datasetVersion,
        CancellationToken cancellationToken)
    {
        var baseScenario = Model.Scenarios.Scenario.Base(scenario.Horizon) with { Parameters = scenario.Parameters };
        var running = Worker.Run(scenario, datasetVersion, cancellationToken);
        var runningBase = Worker.Run(baseScenario, datasetVersion, cancellationToken);
        await Task.WhenAll(running, runningBase);
        var result = await running;
        var baseline = await runningBase;
        if (baseline.DatasetVersion != result.DatasetVersion)
        {
            // The current version changed between the two calls: run the base again on the scenario's version.
            baseline = await Worker.Run(baseScenario, result.DatasetVersion, cancellationToken);
        }
        return (result, baseline);
    }
}
