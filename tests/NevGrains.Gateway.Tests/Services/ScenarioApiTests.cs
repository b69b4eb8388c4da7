using Grpc.Core;
using NevGrains.Api.V1;
using NevGrains.Gateway.Tests.Support;

namespace NevGrains.Gateway.Tests.Services;

[Collection(GatewayCollection.Name)]
public sealed class ScenarioApiTests(GatewayFixture gateway)
{
    private static readonly string[] EuMarkets = ["de", "fr", "it", "es", "hu", "pl", "se", "dk", "pt", "gr", "bg", "cy"];

    private readonly ScenarioService.ScenarioServiceClient scenarios = gateway.Scenarios();

    [Fact]
    public async Task Runs_the_base_scenario_to_the_default_horizon()
    {
        var response = await scenarios.RunScenarioAsync(new RunScenarioRequest { Scenario = new Scenario { Name = "base" } });

        var result = response.Result;
        Assert.Equal("base", result.Scenario);
        Assert.Equal(2030, result.Horizon);
        Assert.Contains(result.Cells, c => c.Owner == "byd" && c.Market == "de" && c.Year == 2030 && c.BevUnits > 0);
        Assert.Contains(result.Plants, p => p.Plant == "byd-szeged");
        Assert.True(result.Diagnostics is not null);
    }

    [Fact]
    public async Task A_run_reports_a_converged_solve_for_every_projected_year()
    {
        var response = await scenarios.RunScenarioAsync(new RunScenarioRequest { Scenario = new Scenario { Name = "base" } },
            cancellationToken: TestContext.Current.CancellationToken);

        var result = response.Result;
        var diagnostics = result.Diagnostics;
        Assert.True(diagnostics.Converged, $"years not converged: {string.Join(", ", diagnostics.Years.Where(y => y.Exit != SolverExit.Converged))}");
        Assert.Equal(0, diagnostics.YearsNotConverged);
        // One entry per projected year; the base year is not solved.
        Assert.Equal(Enumerable.Range(result.BaseYear + 1, result.Horizon - result.BaseYear), diagnostics.Years.Select(y => y.Year));
        Assert.All(diagnostics.Years, y =>
        {
            Assert.Equal(SolverExit.Converged, y.Exit);
            Assert.True(y.Iterations > 0, $"{y.Year}: {y.Iterations} iterations");
            Assert.True(y.Residual <= diagnostics.MaxPriceResidual, $"{y.Year}: residual {y.Residual} above the largest {diagnostics.MaxPriceResidual}");
        });
    }

    [Fact]
    public async Task Diagnostics_cover_the_whole_run_whatever_the_filter()
    {
        var response = await scenarios.RunScenarioAsync(new RunScenarioRequest
        {
            Scenario = new Scenario { Name = "base", Horizon = 2028 },
            Filter = new ResultFilter { Owners = { "byd" }, Markets = { "hu" }, Years = { 2027 } },
        }, cancellationToken: TestContext.Current.CancellationToken);

        int[] projected = [2026, 2027, 2028];
        Assert.Equal(projected, response.Result.Diagnostics.Years.Select(y => y.Year));
    }

    [Fact]
    public async Task Compare_and_explain_carry_the_diagnostics_of_the_scenario_and_of_its_base()
    {
        var scenario = Requests.EuTariff(0.25);
        var compared = await scenarios.CompareScenarioAsync(new CompareScenarioRequest
        {
            Scenario = scenario,
            Filter = new ResultFilter { Owners = { "byd" }, Markets = { "de" } },
        }, cancellationToken: TestContext.Current.CancellationToken);
        var explained = await scenarios.ExplainScenarioAsync(new ExplainScenarioRequest
        {
            Scenario = scenario,
            Filter = new ResultFilter { Owners = { "byd" }, Markets = { "de" } },
        }, cancellationToken: TestContext.Current.CancellationToken);

        int[] projected = [2026, 2027, 2028];
        foreach (var diagnostics in new[] { compared.Diagnostics, compared.BaseDiagnostics, explained.Diagnostics, explained.BaseDiagnostics })
        {
            Assert.NotNull(diagnostics);
            Assert.Equal(projected, diagnostics.Years.Select(y => y.Year));
            Assert.Equal(diagnostics.YearsNotConverged == 0, diagnostics.Converged);
        }
        // The explanation's two ends are the comparison's two runs.
        Assert.Equal(compared.Diagnostics, explained.Diagnostics);
        Assert.Equal(compared.BaseDiagnostics, explained.BaseDiagnostics);
        Assert.NotEmpty(compared.Cells);
    }

    [Fact]
    public async Task A_filter_keeps_only_the_cells_asked_for()
    {
        var response = await scenarios.RunScenarioAsync(new RunScenarioRequest
        {
            Scenario = new Scenario { Name = "base" },
            Filter = new ResultFilter { Owners = { "byd" }, Markets = { "hu" }, Years = { 2027 } },
        });

        var cell = Assert.Single(response.Result.Cells);
        Assert.Equal(("byd", "hu", 2027), (cell.Owner, cell.Market, cell.Year));
    }

    [Fact]
    public async Task Compares_the_product_owners_question_against_the_base()
    {
        var response = await scenarios.CompareScenarioAsync(new CompareScenarioRequest
        {
            Scenario = Requests.SzegedLateWithMinimumPrice(),
            Filter = new ResultFilter { Owners = { "byd" }, Years = { 2027 } },
        });

        Assert.Equal("szeged-late-min-price", response.Scenario);
        var eu = response.Cells.Where(c => EuMarkets.Contains(c.Market)).ToList();
        Assert.NotEmpty(eu);
        Assert.All(response.Cells, c => Assert.Equal(("byd", 2027), (c.Owner, c.Year)));
        // A minimum price above today's BYD import prices and a later local plant cost BYD European volume in 2027.
        Assert.True(eu.Sum(c => c.ScenarioUnits) < eu.Sum(c => c.BaseUnits),
            $"EU units: scenario {eu.Sum(c => c.ScenarioUnits):N0} vs base {eu.Sum(c => c.BaseUnits):N0}");
    }

    [Fact]
    public async Task Explains_a_change_by_driver_with_parts_that_add_up()
    {
        var response = await scenarios.ExplainScenarioAsync(new ExplainScenarioRequest
        {
            Scenario = Requests.SzegedLateWithMinimumPrice(),
            Metric = ExplainedMetric.Units,
            Filter = new ResultFilter { Owners = { "byd" }, Markets = { "de" }, Years = { 2027 } },
        });

        Assert.Contains(Driver.Tariff, response.Drivers);
        Assert.Contains(Driver.PlantRoute, response.Drivers);
        var cell = Assert.Single(response.Cells);
        Assert.Equal(response.Drivers.Count, cell.ByDriver.Count);
        Assert.Equal(cell.ScenarioValue - cell.BaseValue, cell.ByDriver.Sum(), 6);
    }

    [Fact]
    public async Task Queries_one_market_and_one_brand()
    {
        var market = await scenarios.QueryMarketAsync(new QueryMarketRequest { Market = "hu" });
        var brand = await scenarios.QueryBrandAsync(new QueryBrandRequest { Brand = "byd", Scenario = Requests.SzegedLateWithMinimumPrice() });

        Assert.Equal("hu", market.Market);
        Assert.NotEmpty(market.Years);
        Assert.All(market.Cells, c => Assert.Equal("hu", c.Market));
        Assert.Equal("byd", brand.Brand);
        Assert.Equal("szeged-late-min-price", brand.Scenario);
        Assert.All(brand.Cells, c => Assert.Equal("byd", c.Owner));
        Assert.Contains(brand.Plants, p => p.Plant == "byd-szeged");
        Assert.NotEmpty(market.Diagnostics.Years);
        Assert.NotEmpty(brand.Diagnostics.Years);
    }

    [Fact]
    public async Task Unknown_market_or_brand_is_not_found()
    {
        await RpcAssert.Fails(StatusCode.NotFound, () => scenarios.QueryMarketAsync(new QueryMarketRequest { Market = "atlantis" }).ResponseAsync);
        await RpcAssert.Fails(StatusCode.NotFound, () => scenarios.QueryBrandAsync(new QueryBrandRequest { Brand = "tesla" }).ResponseAsync);
    }

    [Fact]
    public async Task A_pinned_dataset_version_that_does_not_exist_is_not_found()
    {
        await RpcAssert.Fails(StatusCode.NotFound, () => scenarios.RunScenarioAsync(new RunScenarioRequest
        {
            Scenario = new Scenario { Name = "base" },
            DatasetVersion = "no-such-version",
        }).ResponseAsync);
    }
}
