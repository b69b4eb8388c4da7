using System.Collections.Immutable;
using CsCheck;
using NevGrains.Model.Data;
using NevGrains.Model.Engine;
using NevGrains.Model.Results;
using NevGrains.Model.Scenarios;
using NevGrains.TestSupport;

namespace NevGrains.Model.Tests.Engine;

/// <summary>The sanity a user checks first, over random valid datasets and scenarios (BRIEF section 3.9).</summary>
public sealed class PropertyTests
{
    private const long Iterations = 40;

    private static readonly Gen<int> Seeds = Gen.Int[1, int.MaxValue];

    [Fact]
    public void Shares_sum_to_one_and_units_are_finite_and_non_negative_under_random_levers()
    {
        Gen.Select(Seeds, Seeds).Sample((dataSeed, leverSeed) =>
        {
            var compiled = new CompiledBaseline(SyntheticDataset.Random(dataSeed));
            var scenario = RandomScenario(compiled, leverSeed);

            var result = ScenarioEngine.Run(compiled, scenario);

            foreach (var cell in result.Cells)
            {
                foreach (var value in new[] { cell.BevUnits, cell.PhevUnits, cell.OtherUnits, cell.RevenueUsd, cell.TariffPaidUsd, cell.AveragePriceUsd })
                {
                    Assert.True(double.IsFinite(value) && value >= 0, $"{cell} has a negative or non-finite value (data {dataSeed}, levers {leverSeed})");
                }
                Assert.True(double.IsFinite(cell.GrossMarginUsd));
            }
            foreach (var market in result.Markets)
            {
                var shares = result.Cells.Where(c => c.Market == market.Market && c.Year == market.Year).Sum(c => c.ShareOfMarket);
                Assert.Equal(1, shares, 6);
            }
        }, iter: Iterations);
    }

    [Fact]
    public void A_higher_tariff_never_raises_that_brands_units_in_that_market()
    {
        Gen.Select(Seeds, Gen.Double[0.01, 1.0]).Sample((seed, rate) =>
        {
            var dataset = SyntheticDataset.Random(seed);
            var compiled = new CompiledBaseline(dataset);
            var brand = dataset.Brands[0].Id;
            var market = dataset.Markets[^1];
            var jurisdiction = market.CustomsUnion ?? market.Id;
            var scenario = new Scenario("tariff", [new TariffLever(jurisdiction, rate, new DateOnly(2026, 1, 1), Brands: [brand])]);

            var before = ScenarioEngine.Run(compiled, Scenario.Base());
            var after = ScenarioEngine.Run(compiled, scenario);

            foreach (var year in Enumerable.Range(2026, 5))
            {
                var b = before.Cell(brand, market.Id, year)?.Units ?? 0;
                var a = after.Cell(brand, market.Id, year)?.Units ?? 0;
                Assert.True(a <= b * (1 + 1e-9) + 1e-6, $"{brand} in {market.Id} {year}: {b:0.0} -> {a:0.0} with +{rate:P0} (seed {seed})");
            }
            Assert.True(after.CellsOf(brand, market.Id).Sum(c => c.Units) < before.CellsOf(brand, market.Id).Sum(c => c.Units), "the tariff changed nothing");
        }, iter: Iterations);
    }

    [Fact]
    public void More_stores_never_lower_that_brands_share()
    {
        Gen.Select(Seeds, Gen.Double[1.5, 20]).Sample((seed, factor) =>
        {
            var dataset = SyntheticDataset.Random(seed);
            var compiled = new CompiledBaseline(dataset);
            var brand = dataset.Brands[^1];
            var presence = brand.Markets[0];
            var stores = (presence.Stores?.Value ?? 10) * factor;
            var scenario = new Scenario("stores", [new StoresLever(brand.Id, presence.Market, 2026, Stores: stores)]);

            var before = ScenarioEngine.Run(compiled, Scenario.Base());
            var after = ScenarioEngine.Run(compiled, scenario);

            foreach (var year in Enumerable.Range(2026, 5))
            {
                var b = before.Cell(brand.Id, presence.Market, year)!.ShareOfMarket;
                var a = after.Cell(brand.Id, presence.Market, year)!.ShareOfMarket;
                Assert.True(a >= b * (1 - 1e-9), $"{brand.Id} in {presence.Market} {year}: share {b:P3} -> {a:P3} with x{factor:0.0} stores (seed {seed})");
            }
            Assert.True(after.Cell(brand.Id, presence.Market, 2030)!.ShareOfMarket > before.Cell(brand.Id, presence.Market, 2030)!.ShareOfMarket, "the stores changed nothing");
        }, iter: Iterations);
    }

    [Fact]
    public void More_chargers_never_lower_a_brands_bev_sales_and_raise_the_bev_share()
    {
        Gen.Select(Seeds, Gen.Double[1.5, 10]).Sample((seed, factor) =>
        {
            var dataset = SyntheticDataset.Random(seed);
            var compiled = new CompiledBaseline(dataset);
            var market = dataset.Markets[0];
            var scenario = new Scenario("chargers", [new ChargersLever(market.Id, 2027, Points: market.PublicChargers.Value * factor)]);

            var before = ScenarioEngine.Run(compiled, Scenario.Base());
            var after = ScenarioEngine.Run(compiled, scenario);

            foreach (var year in Enumerable.Range(2026, 5))
            {
                Assert.True(after.Market(market.Id, year)!.BevShare >= before.Market(market.Id, year)!.BevShare * (1 - 1e-9));
                foreach (var brand in dataset.Brands)
                {
                    var b = before.Cell(brand.Id, market.Id, year)!.BevUnits;
                    var a = after.Cell(brand.Id, market.Id, year)!.BevUnits;
                    Assert.True(a >= b * (1 - 1e-9), $"{brand.Id} BEV in {market.Id} {year}: {b:0.0} -> {a:0.0} with x{factor:0.0} chargers (seed {seed})");
                }
            }
            Assert.True(after.Market(market.Id, 2030)!.BevShare > before.Market(market.Id, 2030)!.BevShare, "the chargers changed nothing");
        }, iter: Iterations);
    }

    [Fact]
    public void A_local_plant_lowers_the_tariff_a_brand_pays_in_that_market()
    {
        Gen.Select(Seeds, Gen.Double[5_000, 300_000]).Sample((seed, capacity) =>
        {
            var dataset = SyntheticDataset.Random(seed);
            var compiled = new CompiledBaseline(dataset);
            var brand = dataset.Brands[0];
            var market = dataset.Markets.FirstOrDefault(m => m.Id != "hu") ?? dataset.Markets[0];
            var plant = new NewPlantLever(brand.Id, "local-test", market.Country, market.Region, new DateOnly(2026, 1, 1),
                [new YearAmount(2026, capacity)], Market: market.Id);

            var before = ScenarioEngine.Run(compiled, Scenario.Base());
            var after = ScenarioEngine.Run(compiled, new Scenario("plant", [plant]));

            foreach (var year in Enumerable.Range(2026, 5))
            {
                var b = before.Cell(brand.Id, market.Id, year)!;
                var a = after.Cell(brand.Id, market.Id, year)!;
                // Per car the duty falls; in total too, but for a sliver: a small plant lowers the price, and the extra demand
                // beyond its capacity is imported (docs/model.md, section 12).
                Assert.True(a.TariffPaidUsd / a.Units <= b.TariffPaidUsd / b.Units + 1e-6, $"{brand.Id} in {market.Id} {year}: tariff per car {b.TariffPaidUsd / b.Units:0} -> {a.TariffPaidUsd / a.Units:0} (seed {seed})");
                Assert.True(a.TariffPaidUsd <= b.TariffPaidUsd * 1.005 + 1e-6, $"{brand.Id} in {market.Id} {year}: tariff {b.TariffPaidUsd:0} -> {a.TariffPaidUsd:0} (seed {seed})");
                Assert.True(a.LocallyBuiltShare >= b.LocallyBuiltShare);
            }
        }, iter: Iterations);
    }

    [Fact]
    public void The_same_inputs_give_the_same_result()
    {
        Seeds.Sample(seed =>
        {
            var compiled = new CompiledBaseline(SyntheticDataset.Random(seed));
            var scenario = RandomScenario(compiled, seed);

            var first = ScenarioEngine.Run(compiled, scenario);
            var second = ScenarioEngine.Run(compiled, scenario);

            Assert.Equal(first.Cells, second.Cells);
        }, iter: 10);
    }

    /// <summary>A mix of levers with valid random values.</summary>
    internal static Scenario RandomScenario(CompiledBaseline compiled, int seed)
    {
        var random = new Random(seed);
        var dataset = compiled.Dataset;
        string Any<T>(ImmutableArray<T> items, Func<T, string> id) => id(items[random.Next(items.Length)]);
        double U(double lo, double hi) => lo + random.NextDouble() * (hi - lo);
        var year = random.Next(2026, 2031);
        var date = new DateOnly(year, random.Next(1, 13), 1);
        var brand = Any(dataset.Brands, b => b.Id);
        var market = Any(dataset.Markets, m => m.Id);
        var levers = new List<Lever>();
        for (var i = random.Next(1, 6); i > 0; i--)
        {
            levers.Add(random.Next(10) switch
            {
                0 => new TariffLever(dataset.Markets.First(m => m.Id == market).CustomsUnion ?? market, U(0, 1), date, Mode: random.Next(2) == 0 ? TariffMode.Add : TariffMode.Replace),
                1 => new PriceLever(brand, U(-0.3, 0.3), year),
                2 => new StoresLever(brand, market, year, Stores: U(0, 500)),
                3 => new ChargersLever(market, year, Points: U(0, 500_000)),
                4 => new DemandShockLever(year, U(-0.3, 0.3), [market]),
                5 => new PreferenceLever(Powertrain.Other, U(-1, 1), year, U(-0.2, 0.2)),
                6 => new CompetitorPriceLever(U(-0.2, 0.2), year),
                7 => new ExportRestrictionLever(date, CostPerVehicleUsd: U(0, 3_000), CapUnits: random.Next(2) == 0 ? null : U(0, 50_000)),
                8 => new BatteryCostLever(year, U(40, 200)),
                _ => new MarketExitLever(brand, market, date),
            });
        }
        return new Scenario($"random-{seed}", [.. levers]);
    }
}
