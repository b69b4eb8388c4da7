using Grpc.Core;
using NevGrains.Api.V1;
using NevGrains.Gateway.Tests.Support;

namespace NevGrains.Gateway.Tests.Services;

[Collection(GatewayCollection.Name)]
public sealed class ExperimentApiTests(GatewayFixture gateway)
{
    private readonly ExperimentService.ExperimentServiceClient experiments = gateway.Experiments();

    [Fact]
    public async Task A_sweep_over_the_eu_duty_answers_one_point_per_value()
    {
        var sweep = new SweepSpec
        {
            Scenario = Requests.EuTariff(0),
            Axes = { new SweepAxis { Target = "levers[0].rate", Values = { 0, 0.2, 0.4 } } },
            Metrics = { Requests.BydEuropeUnits() },
        };

        var response = await experiments.RunSweepAsync(new RunSweepRequest { Sweep = sweep });

        Assert.Equal(["levers[0].rate"], response.Axes);
        Assert.Equal([0, 1, 2], response.Points.Select(p => p.Index));
        Assert.Equal([0, 0.2, 0.4], response.Points.Select(p => p.AxisValues.Single()));
        var units = response.Points.Select(p => p.Metrics.Single()).ToList();
        Assert.True(units[0] > units[1] && units[1] > units[2], string.Join(", ", units));
    }

    [Fact]
    public async Task A_monte_carlo_run_is_reproducible_from_its_seed()
    {
        var request = new RunMonteCarloRequest
        {
            MonteCarlo = new MonteCarloSpec
            {
                // BYD's own duty: a duty on every brand's imports can raise BYD's EU units in some draws, since its EU and Turkish
                // plants' lines are untaxed while its rivals pay (docs/model.md, section 6.1).
                Scenario = Requests.BydEuTariff(0.3),
                Draws = 24,
                Seed = 42,
                Metrics = { Requests.BydEuropeUnits() },
                Thresholds = { new Threshold { Metric = 0, Value = 0, Below = true, OnDelta = true } },
            },
        };

        var first = await experiments.RunMonteCarloAsync(request);
        var second = await experiments.RunMonteCarloAsync(request);

        Assert.Equal(24, first.Draws);
        var delta = Assert.Single(first.Metrics).Delta;
        Assert.True(delta.P10 <= delta.P50 && delta.P50 <= delta.P90);
        Assert.True(delta.P90 < 0, "a 30% extra EU duty on BYD lowers its EU volume in every draw");
        Assert.Equal(1, Assert.Single(first.Thresholds).Probability);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task A_sensitivity_run_gives_one_tornado_bar_per_parameter()
    {
        var response = await experiments.RunSensitivityAsync(new RunSensitivityRequest
        {
            Scenario = Requests.EuTariff(0.3),
            Metric = Requests.BydEuropeUnits(),
            Parameters = { "demand.nestingLambda", "pricing.passThrough.europe" },
            OnDelta = true,
        });

        Assert.Equal(["demand.nestingLambda", "pricing.passThrough.europe"], response.Bars.Select(b => b.Parameter).Order());
        Assert.All(response.Bars, b => Assert.True(b.LowValue < b.HighValue));
        Assert.True(response.Center < 0, $"center {response.Center}");
    }

    [Fact]
    public async Task Experiments_larger_than_the_limit_are_sent_to_batches()
    {
        var error = await RpcAssert.Fails(StatusCode.ResourceExhausted, () => experiments.RunMonteCarloAsync(new RunMonteCarloRequest
        {
            MonteCarlo = new MonteCarloSpec { Scenario = Requests.EuTariff(0.3), Draws = (int)GatewayFixture.MaxExperimentRuns, Metrics = { Requests.BydEuropeUnits() } },
        }).ResponseAsync);

        Assert.Contains("batch", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_experiments_name_the_field()
    {
        var badAxis = await RpcAssert.Fails(StatusCode.InvalidArgument, () => experiments.RunSweepAsync(new RunSweepRequest
        {
            Sweep = new SweepSpec
            {
                Scenario = Requests.EuTariff(0),
                Axes = { new SweepAxis { Target = "levers[7].rate", Values = { 0.1 } } },
                Metrics = { Requests.BydEuropeUnits() },
            },
        }).ResponseAsync);
        Assert.StartsWith("sweep.", badAxis.Status.Detail, StringComparison.Ordinal);

        var unknownParameter = await RpcAssert.Fails(StatusCode.InvalidArgument, () => experiments.RunSensitivityAsync(new RunSensitivityRequest
        {
            Scenario = Requests.EuTariff(0.3),
            Metric = Requests.BydEuropeUnits(),
            Parameters = { "demand.noSuchThing" },
        }).ResponseAsync);
        Assert.Contains("demand.noSuchThing", unknownParameter.Status.Detail, StringComparison.Ordinal);
    }
}
