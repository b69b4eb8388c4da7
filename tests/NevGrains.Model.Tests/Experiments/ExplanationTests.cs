using NevGrains.Model.Data;
using NevGrains.Model.Engine;
using NevGrains.Model.Results;
using NevGrains.Model.Scenarios;

namespace NevGrains.Model.Tests.Experiments;

public sealed class ExplanationTests
{
    private static readonly CompiledBaseline Compiled = CompiledBaseline.Shipped;

    private static readonly Scenario Storyline = new("szeged-late-with-minimum-price",
    [
        new PlantLever("byd-szeged", StartDelayMonths: 12),
        new PriceUndertakingLever("eu", "byd", 30_000, new DateOnly(2026, 7, 1)),
        new StoresLever("byd", "de", 2026, Stores: 400),
    ]);

    [Fact]
    public void The_parts_by_driver_add_up_to_the_change_in_every_cell()
    {
        var explanation = Explainer.Explain(Compiled, Storyline, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal([Driver.Tariff, Driver.PlantRoute, Driver.Channel], explanation.Drivers);
        Assert.NotEmpty(explanation.Cells);
        Assert.All(explanation.Cells, c => Assert.Equal(c.Change, c.ByDriver.Sum(), 6));
    }

    [Fact]
    public void The_change_matches_a_plain_comparison_and_each_driver_alone_explains_itself()
    {
        var explanation = Explainer.Explain(Compiled, Storyline, cancellationToken: TestContext.Current.CancellationToken);
        var comparison = Comparison.Of(ScenarioEngine.Run(Compiled, Scenario.Base(), cancellationToken: TestContext.Current.CancellationToken), ScenarioEngine.Run(Compiled, Storyline, cancellationToken: TestContext.Current.CancellationToken));

        var cell = explanation.Cells.Single(c => c.Owner == "byd" && c.Market == "de" && c.Year == 2027);
        var change = comparison.Cells.Single(c => c.Owner == "byd" && c.Market == "de" && c.Year == 2027);
        Assert.Equal(change.UnitsChange, cell.Change, 6);

        // A scenario with a single driver puts the whole change on it.
        var single = Explainer.Explain(Compiled, new Scenario("stores", [new StoresLever("byd", "de", 2026, Stores: 400)]), cancellationToken: TestContext.Current.CancellationToken);
        Assert.All(single.Cells, c => Assert.Equal(c.Change, c.ByDriver[0], 9));
        Assert.True(single.Cells.Single(c => c.Owner == "byd" && c.Market == "de" && c.Year == 2027).Change > 0);
    }

    [Fact]
    public void Margins_and_tariffs_can_be_explained_too()
    {
        var explanation = Explainer.Explain(Compiled, Storyline, metric: ExplainedMetric.TariffPaid, cancellationToken: TestContext.Current.CancellationToken);

        var cell = explanation.Cells.Single(c => c.Owner == "byd" && c.Market == "de" && c.Year == 2027);
        Assert.Equal(ExplainedMetric.TariffPaid, explanation.Metric);
        Assert.Equal(cell.Change, cell.ByDriver.Sum(), 3);
        Assert.True(cell.ByDriver[0] < 0, "the minimum price replaces the duty, so the tariff part is negative");
    }
}
