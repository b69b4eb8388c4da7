using System.Collections.Immutable;
using NevGrains.Model.Data;
using NevGrains.Model.Engine;
using NevGrains.Model.Scenarios;

namespace NevGrains.TestSupport;

/// <summary>
/// Random valid scenarios on any compiled dataset: the background of the engine's property tests and the sample of the engine
/// benchmark's equivalence check (bench/NevGrains.Model.Benchmarks, <c>fingerprint</c>). A seed names the same scenario on every run.
/// </summary>
public static class RandomScenarios
{
    /// <summary>A mix of levers with valid random values.</summary>
    public static Scenario Create(CompiledBaseline compiled, int seed)
    {
        var random = new Random(seed);
        var dataset = compiled.Dataset;
        string Any<T>(ImmutableArray<T> items, Func<T, string> id) => id(items[random.Next(items.Length)]);
        double U(double lo, double hi) => lo + random.NextDouble() * (hi - lo);
        var year = random.Next(2026, 2031);
        var date = new DateOnly(year, random.Next(1, 13), 1);
        var brand = Any(dataset.Brands, b => b.Id);
        var market = Any(dataset.Markets, m => m.Id);
        string SoldIn(string brandId, string marketId)
        {
            var markets = dataset.Brands.First(b => b.Id == brandId).Markets.OrEmpty();
            return markets.Any(p => p.Market == marketId) || markets.IsEmpty ? marketId : markets[0].Market;
        }
        var levers = new List<Lever>();
        for (var i = random.Next(1, 6); i > 0; i--)
        {
            levers.Add(random.Next(11) switch
            {
                0 => new TariffLever(dataset.Markets.First(m => m.Id == market).CustomsUnion ?? market, U(0, 1), date, Mode: random.Next(2) == 0 ? TariffMode.Add : TariffMode.Replace),
                1 => new PriceLever(brand, U(-0.3, 0.3), year),
                // Stores where the brand sells (the validator refuses a network lever where it never does).
                2 => new StoresLever(brand, SoldIn(brand, market), year, Stores: U(0, 500)),
                3 => new ChargersLever(market, year, Points: U(0, 500_000)),
                4 => new DemandShockLever(year, U(-0.3, 0.3), [market]),
                5 => new PreferenceLever(Powertrain.Other, U(-1, 1), year, U(-0.2, 0.2)),
                6 => new CompetitorPriceLever(U(-0.2, 0.2), year),
                7 => new ExportRestrictionLever(date, CostPerVehicleUsd: U(0, 3_000), CapUnits: random.Next(2) == 0 ? null : U(0, 50_000)),
                8 => new BatteryCostLever(year, U(40, 200)),
                9 => new PlantLever(Any(dataset.Brands.SelectMany(b => b.Plants).ToImmutableArray(), p => p.Id), CapacityScale: U(0.1, 1.5)),
                _ => new MarketExitLever(brand, market, date),
            });
        }
        return new Scenario($"random-{seed}", [.. levers]);
    }
}
