using NevGrains.Model.Data;
using NevGrains.Model.Engine;
using NevGrains.Model.Experiments;
using NevGrains.Model.Results;
using NevGrains.Model.Scenarios;
using NevGrains.TestSupport;

namespace NevGrains.Model.Tests.Experiments;

/// <summary>Sweeps, Monte Carlo and sensitivity on the small synthetic dataset (fast, and numbers a reader can follow).</summary>
public sealed class ExperimentTests
{
    private static readonly CompiledBaseline Compiled = new(SyntheticDataset.Small());

    private static readonly Scenario Duty = new("eu-duty", [new TariffLever("eu", 0.2, new DateOnly(2026, 1, 1), Powertrains: [Powertrain.Bev])]);

    // Beta imports everything from China, so the EU duty always costs it sales (alpha builds in Hungary and can gain).
    private static readonly MetricSpec BetaBevEu = new(MetricKind.BevUnits, 2028, "beta", ["eu"]);

    [Fact]
    public void A_sweep_covers_the_full_grid_in_a_stable_order()
    {
        var spec = new SweepSpec(Duty, [new SweepAxis("levers[0].rate", [0, 0.2, 0.4]), new SweepAxis("parameter:demand.nestingLambda", [0.4, 0.7])], [BetaBevEu]);

        var result = Sweep.Run(spec, Compiled);

        Assert.Equal(6, result.Points.Length);
        Assert.Equal([0, 0.7], result.Points[1].AxisValues); // the last axis moves fastest
        Assert.Equal([0.4, 0.4], result.Points[4].AxisValues);
        // A higher duty never sells more (same lambda).
        var atLambda = result.Points.Where(p => p.AxisValues[1] == 0.4).Select(p => p.Metrics[0]).ToList();
        Assert.Equal(atLambda.OrderDescending(), atLambda);
        Assert.True(atLambda[0] > atLambda[2]);
    }

    [Fact]
    public void A_sweep_rejects_a_target_that_is_not_a_numeric_field()
    {
        var spec = new SweepSpec(Duty, [new SweepAxis("levers[0].jurisdiction", [1]), new SweepAxis("parameter:nope", [1])], [BetaBevEu]);

        var issues = Sweep.Validate(spec, Compiled);

        Assert.Contains(issues, i => i.Field == "axes[0].target");
        Assert.Contains(issues, i => i.Field == "axes[1].target");
    }

    [Fact]
    public void Monte_carlo_is_reproducible_uses_common_random_numbers_and_orders_its_quantiles()
    {
        var spec = new MonteCarloSpec(Duty, 60, 11, [BetaBevEu], Thresholds: [new Threshold(0, 0, Above: false, OnDelta: true)]);

        var first = MonteCarlo.Run(spec, Compiled);
        var second = MonteCarlo.Run(spec, Compiled, maxParallelism: 1);
        var reseeded = MonteCarlo.Run(spec with { Seed = 12 }, Compiled);

        var metric = first.Metrics[0];
        Assert.Equal(first, second with { Metrics = first.Metrics, Thresholds = first.Thresholds });
        Assert.Equal(metric, second.Metrics[0]);
        Assert.NotEqual(metric.Scenario.P50, reseeded.Metrics[0].Scenario.P50);
        Assert.True(metric.Scenario.P10 <= metric.Scenario.P50 && metric.Scenario.P50 <= metric.Scenario.P90);
        Assert.True(metric.Base.P10 < metric.Base.P90, "parameters vary between draws");
        // Common random numbers: the duty lowers beta's BEV sales in every draw, so the delta's whole band is negative
        // and the probability that the delta is below zero is one.
        Assert.True(metric.Delta.P90 < 0);
        Assert.Equal(1, first.Thresholds[0].Probability);
    }

    [Fact]
    public void A_base_scenario_has_no_delta_in_any_draw()
    {
        var spec = new MonteCarloSpec(Scenario.Base(), 20, 3, [BetaBevEu]);

        var draws = Enumerable.Range(0, 20).Select(i => MonteCarlo.EvaluateDraw(spec, Compiled, i)).ToList();

        Assert.All(draws, d => Assert.Equal(d.Base[0], d.Scenario[0], 9));
    }

    [Fact]
    public void A_tornado_ranks_parameters_by_swing_and_brackets_the_center()
    {
        var spec = new SensitivitySpec(Duty, BetaBevEu, ["demand.priceCoefficient.bev", "demand.swapCoefficient", "pricing.passThrough.europe"], OnDelta: true);

        var tornado = Sensitivity.Run(spec, Compiled);

        Assert.Equal(3, tornado.Bars.Length);
        Assert.Equal(tornado.Bars.Select(b => b.Swing).OrderDescending(), tornado.Bars.Select(b => b.Swing));
        Assert.True(tornado.Center < 0, "the duty's effect is a loss");
        var passThrough = tornado.Bars.Single(b => b.Parameter == "pricing.passThrough.europe");
        Assert.True(passThrough.MetricAtHigh < passThrough.MetricAtLow, "passing more of the duty on loses more sales");
        Assert.Equal(0, tornado.Bars.Single(b => b.Parameter == "demand.swapCoefficient").Swing, 6);
    }
}
