using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using NevGrains.Api.V1;
using NevGrains.Contracts.Experiments;
using NevGrains.Gateway.Hosting;
using NevGrains.Gateway.Mapping;
using NevGrains.Model.Experiments;

namespace NevGrains.Gateway.Services;

/// <summary>
/// Experiments answered in one call: each maps the request, makes one call to the experiment runner (which validates, checks the
/// caller's limit, slices and fans out over the cluster) and maps the answer.
/// </summary>
[Authorize(Policy = Security.Roles.Planner)]
public sealed class ExperimentApi(IGrainFactory grains, IOptions<GatewayOptions> options, GatewayMetrics metrics) : ExperimentService.ExperimentServiceBase
{
    private IExperimentGrain Runner => grains.GetGrain<IExperimentGrain>(0);

    public override async Task<RunSweepResponse> RunSweep(RunSweepRequest request, ServerCallContext context)
    {
        var spec = RequestMapper.Sweep(request.Sweep, "sweep");
        var result = await Runner.RunSweep(spec, CallerContext.Version(request.DatasetVersion), context.Caller(options.Value.Limits), context.CancellationToken);
        metrics.Evaluated("sweep", result.Points.Length);
        return ResponseMapper.Sweep(result);
    }

    public override async Task<RunMonteCarloResponse> RunMonteCarlo(RunMonteCarloRequest request, ServerCallContext context)
    {
        var spec = RequestMapper.MonteCarlo(request.MonteCarlo, "monteCarlo");
        var result = await Runner.RunMonteCarlo(spec, CallerContext.Version(request.DatasetVersion), context.Caller(options.Value.Limits), context.CancellationToken);
        metrics.Evaluated("monte-carlo", 2L * result.Draws);
        return ResponseMapper.MonteCarlo(result);
    }

    public override async Task<RunSensitivityResponse> RunSensitivity(RunSensitivityRequest request, ServerCallContext context)
    {
        var spec = new SensitivitySpec(RequestMapper.Scenario(request.Scenario), RequestMapper.Metric(request.Metric, "metric"),
            [.. request.Parameters], request.OnDelta);
        var result = await Runner.RunSensitivity(spec, CallerContext.Version(request.DatasetVersion), context.Caller(options.Value.Limits), context.CancellationToken);
        metrics.Evaluated("sensitivity", (1 + 2L * result.Bars.Length) * (spec.OnDelta ? 2 : 1));
        return ResponseMapper.Sensitivity(result);
    }
}
