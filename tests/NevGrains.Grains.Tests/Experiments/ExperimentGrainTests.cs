using NevGrains.Contracts;
using NevGrains.Contracts.Experiments;
using NevGrains.Contracts.Scenarios;
using NevGrains.Grains.Tests.Support;
using NevGrains.Model.Data;
using NevGrains.Model.Engine;
using NevGrains.Model.Experiments;
using NevGrains.Model.Results;
using NevGrains.Model.Scenarios;
using NevGrains.TestSupport;

namespace NevGrains.Grains.Tests.Experiments;

/// <summary>The experiment runner and the worker pool on a two-silo cluster: the same answers as the model run in this process.</summary>
public sealed class ExperimentGrainTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private static readonly CompiledBaseline Compiled = new(SyntheticDataset.Small());

    private static readonly Scenario Duty = new("eu-duty", [new TariffLever("eu", 0.2, new DateOnly(2026, 1, 1), Powertrains: [Powertrain.Bev])]);

    private static readonly MetricSpec BetaBevEu = new(MetricKind.BevUnits, 2028, "beta", ["eu"]);

    private static readonly Caller Planner = Caller.Internal("planner");

    private IExperimentGrain Runner => fixture.Grains.GetGrain<IExperimentGrain>(0);

    [Fact]
    public async Task A_sweep_through_the_cluster_equals_the_sweep_run_in_process()
    {
        var spec = new SweepSpec(Duty, [new SweepAxis("levers[0].rate", [0, 0.1, 0.2, 0.3, 0.4]), new SweepAxis("parameter:demand.nestingLambda", [0.4, 0.7])],
            [BetaBevEu]);

        var clustered = await Runner.RunSweep(spec, null, Planner, TestContext.Current.CancellationToken);
        var local = Sweep.Run(spec, Compiled);

        Assert.Equal(local.Points.Select(p => p.Index), clustered.Points.Select(p => p.Index));
        Assert.Equal(local.Points.Select(p => p.AxisValues.ToArray()), clustered.Points.Select(p => p.AxisValues.ToArray()));
        Assert.Equal(local.Points.Select(p => p.Metrics[0]), clustered.Points.Select(p => p.Metrics[0]));
    }

    [Fact]
    public async Task A_monte_carlo_run_and_a_sensitivity_through_the_cluster_equal_their_runs_in_process()
    {
        var monteCarlo = new MonteCarloSpec(Duty, 9, 42, [BetaBevEu], Thresholds: [new Threshold(0, 0, Above: false, OnDelta: true)]);
        var sensitivity = new SensitivitySpec(Duty, BetaBevEu, ["demand.nestingLambda", "pricing.passThrough.europe"], OnDelta: true);

        var draws = await Runner.RunMonteCarlo(monteCarlo, null, Planner, TestContext.Current.CancellationToken);
        var tornado = await Runner.RunSensitivity(sensitivity, null, Planner, TestContext.Current.CancellationToken);

        var localDraws = MonteCarlo.Run(monteCarlo, Compiled);
        Assert.Equal(localDraws.Draws, draws.Draws);
        Assert.Equal(localDraws.Metrics.ToArray(), draws.Metrics.ToArray());
        Assert.Equal(localDraws.Thresholds.ToArray(), draws.Thresholds.ToArray());
        var local = Sensitivity.Run(sensitivity, Compiled);
        Assert.Equal(local.Center, tornado.Center);
        Assert.Equal(local.Bars.ToArray(), tornado.Bars.ToArray());
    }

    [Fact]
    public async Task An_experiment_over_the_callers_limit_is_refused_and_an_invalid_one_names_the_request_field()
    {
        var small = Planner with { Limits = new CallerLimits(MaxExperimentRuns: 10) };
        var draws = new MonteCarloSpec(Duty, 6, 1, [BetaBevEu]);
        var badAxis = new SweepSpec(Duty, [new SweepAxis("levers[3].rate", [0.1])], [BetaBevEu]);

        var limit = await Assert.ThrowsAsync<CallerLimitExceededException>(() => Runner.RunMonteCarlo(draws, null, small, TestContext.Current.CancellationToken));
        var invalid = await Assert.ThrowsAsync<ScenarioException>(() => Runner.RunSweep(badAxis, null, Planner, TestContext.Current.CancellationToken));

        Assert.Contains("12 scenario runs", limit.Message, StringComparison.Ordinal);
        Assert.Contains(invalid.Issues, i => i.Field == "sweep.axes[0].target");
    }

    [Fact]
    public async Task The_worker_filters_a_result_and_pairs_a_comparison_with_its_base()
    {
        var worker = fixture.Grains.GetGrain<IScenarioWorkerGrain>(0);
        var filter = new ResultFilter(["beta"], ["de"], [2027, 2028], BrandsOnly: true);

        var filtered = await worker.Run(Duty, null, filter, TestContext.Current.CancellationToken);
        var comparison = await worker.Compare(Duty, null, filter, TestContext.Current.CancellationToken);
        var full = ScenarioEngine.Run(Compiled, Duty, cancellationToken: TestContext.Current.CancellationToken);
        var baseline = ScenarioEngine.Run(Compiled, Scenario.Base(), cancellationToken: TestContext.Current.CancellationToken);

        Assert.NotEmpty(filtered.Cells);
        Assert.All(filtered.Cells, c => Assert.True(c is { Owner: "beta", Market: "de", Year: 2027 or 2028 }));
        Assert.Equal(full.Cells.Where(c => filter.KeepsCell(c.Owner, c.IsCompetitor, c.Market, c.Year)).Select(c => c.Units), filtered.Cells.Select(c => c.Units));
        Assert.All(filtered.Markets, m => Assert.True(m is { Market: "de", Year: 2027 or 2028 }));
        Assert.Equal(full.Diagnostics.Years.Length, filtered.Diagnostics.Years.Length); // diagnostics are never filtered
        Assert.Equal(filter.Apply(Comparison.Of(baseline, full)).Cells.ToArray(), comparison.Cells.ToArray());
        Assert.NotNull(comparison.BaseDiagnostics);
    }
}
