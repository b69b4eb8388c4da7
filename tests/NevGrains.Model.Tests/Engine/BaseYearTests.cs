using NevGrains.Model.Data;
using NevGrains.Model.Engine;
using NevGrains.Model.Scenarios;
using NevGrains.TestSupport;

namespace NevGrains.Model.Tests.Engine;

public sealed class BaseYearTests
{
    [Fact]
    public void Base_year_reproduces_every_sales_cell_of_the_data()
    {
        var dataset = SyntheticDataset.Small();
        var compiled = new CompiledBaseline(dataset);

        var result = ScenarioEngine.Run(compiled, Scenario.Base(), cancellationToken: TestContext.Current.CancellationToken);

        foreach (var brand in dataset.Brands)
        {
            foreach (var presence in brand.Markets)
            {
                var cell = result.Cell(brand.Id, presence.Market, 2025)!;
                foreach (var sales in presence.Sales)
                {
                    var modelled = sales.Powertrain switch
                    {
                        Powertrain.Bev => cell.BevUnits,
                        Powertrain.Phev => cell.PhevUnits,
                        _ => cell.OtherUnits,
                    };
                    Assert.Equal(sales.Units.Value, modelled, 6);
                }
            }
        }
        foreach (var market in dataset.Markets)
        {
            Assert.Equal(market.NewCarSales.Value, result.Market(market.Id, 2025)!.TotalUnits, 3);
        }
    }
}
