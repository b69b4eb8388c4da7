using CsCheck;
using NevGrains.Model.Engine;
using NevGrains.Model.Parameters;
using NevGrains.Model.Scenarios;
using NevGrains.TestSupport;

namespace NevGrains.Model.Tests.Engine.Supply;

/// <summary>
/// Plants are split into powertrain lines by the flexible lever-free run (docs/model.md, section 6.1). The base runs on the same
/// split as every scenario, so what a comparison shows is the levers' effect and nothing of the split.
/// </summary>
public sealed class ProductionLinesTests
{
    [Fact]
    public void A_lever_that_changes_nothing_leaves_every_figure_of_the_shipped_base_as_it_is()
    {
        var compiled = CompiledBaseline.Shipped;
        var ct = TestContext.Current.CancellationToken;

        var baseResult = ScenarioEngine.Run(compiled, Scenario.Base(), cancellationToken: ct);
        var noOp = ScenarioEngine.Run(compiled, new Scenario("zero-duty", [new TariffLever("br", 0, new DateOnly(2026, 1, 1))]), cancellationToken: ct);

        // Brazil is where a run on flexible plants and one on lines part most (BYD's PHEVs 2027: 89,582 and 89,707).
        ResultAssert.Same(baseResult, noOp, 0, "shipped base");
    }

    [Fact]
    public void A_lever_that_changes_nothing_leaves_every_figure_of_a_random_world_as_it_is()
    {
        Gen.Select(Gen.Int[1, int.MaxValue], Gen.Int[1, int.MaxValue]).Sample((dataSeed, leverSeed) =>
        {
            var compiled = new CompiledBaseline(SyntheticDataset.Random(dataSeed));
            // Random background levers fill plants; the zero duty on top of them must not move a figure.
            var background = RandomScenarios.Create(compiled, leverSeed);
            var market = compiled.Dataset.Markets[new Random(leverSeed).Next(compiled.Dataset.Markets.Length)].Id;

            var before = ScenarioEngine.Run(compiled, background);
            var after = ScenarioEngine.Run(compiled, background with { Levers = background.LeverList.Add(new TariffLever(market, 0, new DateOnly(2027, 1, 1))) });

            ResultAssert.Same(before, after, 0, $"data {dataSeed}, levers {leverSeed}");
        }, iter: 20);
    }

    [Fact]
    public async Task A_run_does_not_wait_for_lines_another_run_is_still_building()
    {
        // The other run may be a bulk run the compute gate paused for this one (Compute/ComputeGate.cs): waiting for it would deadlock.
        var compiled = new CompiledBaseline(SyntheticDataset.Random(7));
        var parameters = ModelParameters.Default.With(ParameterId.CompetitorResponse, 0.3);
        var simulation = new Simulation(ScenarioInputs.Build(compiled, Scenario.Base(), parameters, compiled.BaseTariffs), null);
        simulation.Execute("base", TestContext.Current.CancellationToken);
        var built = simulation.BuiltLines;
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();

        var slow = Task.Run(() => compiled.LinesFor(parameters, 6, null, () =>
        {
            entered.Set();
            release.Wait(TestContext.Current.CancellationToken);
            return simulation.BuiltLines;
        }), TestContext.Current.CancellationToken);
        entered.Wait(TestContext.Current.CancellationToken);

        var mine = compiled.LinesFor(parameters, 6, null, () => built);
        release.Set();

        Assert.Same(built, mine);
        Assert.Same(built, await slow);
    }
}
