using Google.Protobuf;
using NevGrains.Api.V1;
using NevGrains.Cli.Tests.Support;

namespace NevGrains.Cli.Tests.Commands;

[Collection(ServiceCollection.Name)]
public sealed class ExperimentCommandTests(ServiceFixture service) : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task Sweep_prints_one_row_per_point_and_its_json_parses_back()
    {
        var file = folder.File("duty.sweep.json", $$"""
            {"scenario": {{ScenarioText.EuDuty(0)}}, "axes": [{"target": "levers[0].rate", "values": [0, 0.2, 0.4]}],
             "metrics": [{"name": "byd-eu", "metric": "METRIC_KIND_UNITS", "owner": "byd", "year": 2028, "markets": ["eu"]}]}
            """);

        var json = await service.Nev("sweep", file, "--format", "json");

        Assert.Equal(ExitCodes.Ok, json.Code);
        var response = JsonParser.Default.Parse<RunSweepResponse>(json.Output);
        Assert.Equal(3, response.Points.Count);
        Assert.True(response.Points[2].Metrics[0] < response.Points[0].Metrics[0]);
    }

    [Fact]
    public async Task Monte_carlo_prints_quantiles_and_threshold_odds_and_the_seed_can_be_overridden()
    {
        var file = folder.File("duty.montecarlo.json", $$"""
            {"scenario": {{ScenarioText.EuDuty(0.3)}}, "draws": 40, "seed": "7",
             "metrics": [{"name": "byd-eu", "metric": "METRIC_KIND_UNITS", "owner": "byd", "year": 2028, "markets": ["eu"]}],
             "thresholds": [{"metric": 0, "value": 0, "below": true, "onDelta": true}]}
            """);

        var table = await service.Nev("montecarlo", file, "--draws", "20");
        var first = await service.Nev("montecarlo", file, "--draws", "20", "--seed", "11", "--format", "json");
        var again = await service.Nev("montecarlo", file, "--draws", "20", "--seed", "11", "--format", "json");

        Assert.Equal(ExitCodes.Ok, table.Code);
        Assert.Contains("20 draws, seed 7", table.Output, StringComparison.Ordinal);
        Assert.Contains("Threshold probabilities", table.Output, StringComparison.Ordinal);
        var response = JsonParser.Default.Parse<RunMonteCarloResponse>(first.Output);
        Assert.Equal(11UL, response.Seed);
        Assert.Equal(first.Output, again.Output);
    }

    [Fact]
    public async Task Sensitivity_lists_the_widest_swing_first()
    {
        var file = folder.File("duty.sensitivity.json", $$"""
            {"scenario": {{ScenarioText.EuDuty(0.3)}},
             "metric": {"name": "byd-eu", "metric": "METRIC_KIND_UNITS", "owner": "byd", "year": 2028, "markets": ["eu"]},
             "parameters": ["demand.nestingLambda", "pricing.passThrough.europe"], "onDelta": true}
            """);

        var (code, output, _) = await service.Nev("sensitivity", file, "--format", "csv");

        Assert.Equal(ExitCodes.Ok, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        var swings = lines.Skip(1).Select(l => double.Parse(l.Split(',')[^1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(swings[0] >= swings[1]);
    }
}
