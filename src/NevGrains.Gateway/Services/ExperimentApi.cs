using System.Collections.Immutable;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using NevGrains.Api.V1;
using NevGrains.Contracts.Data;
using NevGrains.Contracts.Scenarios;
using NevGrains.Gateway.Hosting;
using NevGrains.Gateway.Mapping;
using NevGrains.Model.Experiments;
using NevGrains.Model.Scenarios;
using Experiments = NevGrains.Model.Experiments;

namespace NevGrains.Gateway.Services;

/// <summary>
/// Experiments answered in one call: validated once by a worker, then split into slices run in parallel on the worker pool
/// (spread over the silos the client talks to), with a bounded number in flight.
/// </summary>
[Authorize(Policy = Security.Roles.Planner)]
public sealed class ExperimentApi(IGrainFactory grains, IOptions<GatewayOptions> options) : ExperimentService.ExperimentServiceBase
{
    // Small enough that one grain call (a slice's runs, two per Monte Carlo draw) stays well inside Orleans' 30 s response timeout on a
    // busy two-core machine with engine v2's costlier solve; slices run in parallel, so small slices cost little.
    private const int SliceSize = 2;

    private IScenarioWorkerGrain Worker => grains.GetGrain<IScenarioWorkerGrain>(0);

    public override async Task<RunSweepResponse> RunSweep(RunSweepRequest request, ServerCallContext context)
    {
        var spec = RequestMapper.Sweep(request.Sweep, "sweep");
        var version = await ResolveVersion(request.DatasetVersion);
        Check(await Worker.ValidateSweep(spec, version, context.CancellationToken), "sweep");
        var count = Experiments.Sweep.PointCount(spec);
        Limit(count, "sweep points");
        var points = await InSlices(count, (from, size) => Worker.SweepPoints(spec, from, size, version, context.CancellationToken), context.CancellationToken);
        Telemetry.Evaluated("sweep", count);
        var result = Experiments.Sweep.Assemble(spec, version, points);
        var response = new RunSweepResponse { DatasetVersion = version };
        response.Axes.AddRange(result.Axes);
        response.Metrics.AddRange(result.Metrics);
        response.Points.AddRange(result.Points.Select(p =>
        {
            var point = new SweepPoint { Index = p.Index };
            point.AxisValues.AddRange(p.AxisValues);
            point.Metrics.AddRange(p.Metrics);
            return point;
        }));
        return response;
    }

    public override async Task<RunMonteCarloResponse> RunMonteCarlo(RunMonteCarloRequest request, ServerCallContext context)
    {
        var spec = RequestMapper.MonteCarlo(request.MonteCarlo, "monteCarlo");
        var version = await ResolveVersion(request.DatasetVersion);
        Check(await Worker.ValidateMonteCarlo(spec, version, context.CancellationToken), "monteCarlo");
        Limit(2L * spec.Draws, "scenario runs (two per draw)");
        var draws = await InSlices(spec.Draws, (from, size) => Worker.Draws(spec, from, size, version, context.CancellationToken), context.CancellationToken);
        Telemetry.Evaluated("monte-carlo", 2L * spec.Draws);
        var result = Experiments.MonteCarlo.Summarize(spec, version, draws);
        var response = new RunMonteCarloResponse { DatasetVersion = version, Draws = result.Draws, Seed = result.Seed };
        response.Metrics.AddRange(result.Metrics.Select(m => new Api.V1.MetricSummary
        {
            Metric = m.Metric,
            Base = ResponseMapper.Quantiles(m.Base),
            Scenario = ResponseMapper.Quantiles(m.Scenario),
            Delta = ResponseMapper.Quantiles(m.Delta),
        }));
        response.Thresholds.AddRange(result.Thresholds.Select(t => new Api.V1.ThresholdProbability
        {
            Threshold = new Api.V1.Threshold { Metric = t.Threshold.Metric, Value = t.Threshold.Value, Below = !t.Threshold.Above, OnDelta = t.Threshold.OnDelta },
            Probability = t.Probability,
        }));
        return response;
    }

    public override async Task<RunSensitivityResponse> RunSensitivity(RunSensitivityRequest request, ServerCallContext context)
    {
        var spec = new SensitivitySpec(RequestMapper.Scenario(request.Scenario), RequestMapper.Metric(request.Metric, "metric"),
            [.. request.Parameters], request.OnDelta);
        var version = await ResolveVersion(request.DatasetVersion);
        Check(await Worker.ValidateSensitivity(spec, version, context.CancellationToken), "");
        var runs = Experiments.Sensitivity.Runs(spec);
        Limit(runs.Count * (spec.OnDelta ? 2L : 1L), "scenario runs");
        var evaluated = await InSlices(runs.Count, (from, size) =>
            Worker.SensitivityRuns(spec, [.. runs.Skip((int)from).Take(size)], version, context.CancellationToken), context.CancellationToken);
        Telemetry.Evaluated("sensitivity", evaluated.Count);
        var result = Experiments.Sensitivity.Summarize(spec, version, evaluated);
        var response = new RunSensitivityResponse { DatasetVersion = version, Metric = result.Metric, Center = result.Center };
        response.Bars.AddRange(result.Bars.Select(b => new Api.V1.TornadoBar
        {
            Parameter = b.Parameter,
            LowValue = b.LowValue,
            HighValue = b.HighValue,
            MetricAtLow = b.MetricAtLow,
            MetricAtHigh = b.MetricAtHigh,
        }));
        return response;
    }

    /// <summary>Pins the dataset version for the whole experiment so every slice uses the same data.</summary>
    private async Task<string> ResolveVersion(string requested) =>
        string.IsNullOrEmpty(requested) ? (await grains.GetGrain<IDatasetGrain>(IDatasetGrain.Key).GetInfo()).Version : requested;

    private void Limit(long runs, string what)
    {
        if (runs > options.Value.Limits.MaxExperimentRuns)
        {
            throw new LimitExceededException($"{runs} {what}; at most {options.Value.Limits.MaxExperimentRuns} in one call: submit a batch instead");
        }
    }

    private static void Check(ImmutableArray<ScenarioIssue> issues, string path)
    {
        if (!issues.IsDefaultOrEmpty)
        {
            throw new ScenarioException([.. issues.Select(i => path.Length == 0 ? i : i with { Field = $"{path}.{i.Field}" })]);
        }
    }

    private static async Task<List<T>> InSlices<T>(long count, Func<long, int, Task<ImmutableArray<T>>> run, CancellationToken cancellationToken)
    {
        var parallelism = Math.Max(2, Environment.ProcessorCount * 2);
        var slices = new List<Task<ImmutableArray<T>>>();
        var running = new List<Task>();
        for (long from = 0; from < count; from += SliceSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var task = run(from, (int)Math.Min(SliceSize, count - from));
            slices.Add(task);
            running.Add(task);
            if (running.Count >= parallelism)
            {
                running.Remove(await Task.WhenAny(running));
            }
        }
        await Task.WhenAll(slices);
        return [.. slices.SelectMany(s => s.Result)];
    }
}
