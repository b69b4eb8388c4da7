using System.Collections.Immutable;
using NevGrains.Model.Data;

namespace NevGrains.TestSupport;

/// <summary>
/// Small valid datasets built in code: <see cref="Small"/> is a fixed two-market world whose numbers tests can compute by hand;
/// <see cref="Random"/> draws a valid world from a seed for property tests.
/// </summary>
public static class SyntheticDataset
{
    public const string Source = "test-source";
    public const string Assumption = "test-assumption";

    public static DataPoint V(double value, string unit) => new(value, unit, DataStatus.V, Source);

    public static DataPoint A(double value, string unit) => new(value, unit, DataStatus.A, Assumption);

    /// <summary>
    /// Germany (EU) and Thailand; brands alpha (BEV + PHEV, a Hungarian plant from 2026) and beta (BEV, China only);
    /// competitors incumbent and tesla. EU: 10% MFN on everything from outside, 17% CVD on alpha's BEVs, 20.7% on other brands' BEVs.
    /// </summary>
    public static Dataset Small() => Build(new Spec());

    public static Dataset Random(int seed)
    {
        var random = new Random(seed);
        double U(double lo, double hi) => lo + random.NextDouble() * (hi - lo);
        var markets = random.Next(1, 4);
        var brands = random.Next(1, 4);
        var spec = new Spec
        {
            MarketIds = [.. new[] { "de", "th", "hu" }.Take(markets)],
            BrandIds = [.. new[] { "alpha", "beta", "gamma" }.Take(brands)],
            Sizes = [.. Enumerable.Range(0, markets).Select(_ => U(20_000, 2_000_000))],
            BevShares = [.. Enumerable.Range(0, markets).Select(_ => U(0.02, 0.6))],
            PhevShares = [.. Enumerable.Range(0, markets).Select(_ => U(0.01, 0.3))],
            Chargers = [.. Enumerable.Range(0, markets).Select(_ => U(100, 200_000))],
            BrandShareOfNest = [.. Enumerable.Range(0, brands).Select(_ => U(0.001, 0.25) / brands)],
            HomePriceBev = [.. Enumerable.Range(0, brands).Select(_ => U(80_000, 300_000))],
            MfnRate = U(0, 0.2),
            CvdRate = U(0, 0.4),
            ThaiRate = U(0, 0.8),
            LocalPlantCapacity = random.NextDouble() < 0.3 ? 0 : U(5_000, 200_000),
            Growth = U(-0.05, 0.08),
            LocalPlantAssembly = (GoodsForm)random.Next(3),
            LocalPlantLocalContent = U(0.1, 0.6),
            ThaiQuotaUnits = random.NextDouble() < 0.3 ? U(100, 20_000) : null,
        };
        // Half the worlds have China plants that bind from the first projected year: demand there grows past their capacity.
        if (random.NextDouble() < 0.5)
        {
            spec = spec with { ChinaCapacityFactor = U(0.5, 1.3) };
        }
        // Drawn last, so the worlds earlier seeds name keep the rest of their spec.
        if (random.NextDouble() < 0.3)
        {
            spec = spec with { HungarianLocalSubsidyEur = U(500, 6_000) };
        }
        return Build(spec);
    }

    public sealed record Spec
    {
        public string[] MarketIds { get; init; } = ["de", "th"];
        public string[] BrandIds { get; init; } = ["alpha", "beta"];
        public double[] Sizes { get; init; } = [2_800_000, 600_000];
        public double[] BevShares { get; init; } = [0.19, 0.12];
        public double[] PhevShares { get; init; } = [0.10, 0.02];
        public double[] Chargers { get; init; } = [175_000, 12_000];
        public double[] BrandShareOfNest { get; init; } = [0.04, 0.02];
        public double[] HomePriceBev { get; init; } = [150_000, 120_000];
        public double MfnRate { get; init; } = 0.10;
        public double CvdRate { get; init; } = 0.17;
        public double ThaiRate { get; init; } = 0.4;
        public double LocalPlantCapacity { get; init; } = 60_000;
        public double Growth { get; init; } = 0.02;
        /// <summary>China export capacity from 2026 as a multiple of the brand's base-year sales; null = ample (5 M).</summary>
        public double? ChinaCapacityFactor { get; init; }
        /// <summary>How the Hungarian plant builds: cars (CBU) or kits from China (SKD, CKD), which pay the EU's kit duty.</summary>
        public GoodsForm LocalPlantAssembly { get; init; } = GoodsForm.Cbu;
        public double LocalPlantLocalContent { get; init; } = 0.3;
        /// <summary>A Thai duty-free quota (units a year) shared by all importers; null = none.</summary>
        public double? ThaiQuotaUnits { get; init; }
        /// <summary>A Hungarian BEV subsidy from 2026 for cars built inside the EU only (as Thailand's EV 3.5 for Thai-built cars); null = none.</summary>
        public double? HungarianLocalSubsidyEur { get; init; }
    }

    public static Dataset Build(Spec spec)
    {
        var countries = new Dictionary<string, (string Country, string Region, string? Union, string Currency)>
        {
            ["de"] = ("DE", "europe", "eu", "EUR"),
            ["hu"] = ("HU", "europe", "eu", "EUR"),
            ["th"] = ("TH", "asean", null, "USD"),
        };
        var manifest = new DatasetManifest("test-1", 2025, 2030, 2035, "synthetic",
            [new CurrencyRate("USD", A(1, "USD")), new CurrencyRate("CNY", A(0.14, "USD")), new CurrencyRate("EUR", A(1.1, "USD"))],
            [new RegionEntry("china", "China"), new RegionEntry("europe", "Europe"), new RegionEntry("asean", "ASEAN")],
            [new CustomsUnion("eu", "European Union", ["DE", "HU", "ES"])],
            [], []);
        var sources = ImmutableArray.Create(
            new SourceEntry(Source, SourceKind.Source, "Test source", "https://example.org", "2026-01-01"),
            new SourceEntry(Assumption, SourceKind.Assumption, "Test assumption", Rationale: "synthetic data for tests"));
        var competitors = ImmutableArray.Create(
            new CompetitorData("incumbent", "Incumbent", "local makers"),
            new CompetitorData("tesla", "Tesla", "Tesla"));

        var brands = ImmutableArray.CreateBuilder<BrandData>();
        for (var b = 0; b < spec.BrandIds.Length; b++)
        {
            var id = spec.BrandIds[b];
            var offers = b == 0
                ? ImmutableArray.Create(
                    new BrandOffer(Powertrain.Bev, "A-bev", A(spec.HomePriceBev[b], "CNY"), A(420, "km"), A(60, "kWh")),
                    new BrandOffer(Powertrain.Phev, "A-phev", A(160_000, "CNY"), A(1000, "km"), A(18, "kWh")))
                : ImmutableArray.Create(new BrandOffer(Powertrain.Bev, $"{id}-bev", A(spec.HomePriceBev[b], "CNY"), A(450, "km"), A(65, "kWh")));
            var plants = ImmutableArray.CreateBuilder<Plant>();
            var baseSales = Enumerable.Range(0, spec.MarketIds.Length)
                .Sum(m => spec.Sizes[m] * (spec.BevShares[m] + (b == 0 ? spec.PhevShares[m] : 0)) * spec.BrandShareOfNest[b]);
            var chinaCapacity = spec.ChinaCapacityFactor is { } factor ? Math.Max(100, Math.Round(factor * baseSales)) : 5_000_000;
            plants.Add(new Plant($"{id}-china", "China", "CN", "china", [Powertrain.Bev, Powertrain.Phev], PlantStatus.Operating,
                new DateOnly(2010, 1, 1), [new CapacityPoint(2020, A(chinaCapacity, "vehicles/year"))], A(1, "ratio")));
            if (b == 0 && spec.LocalPlantCapacity > 0)
            {
                var inHungary = spec.MarketIds.Contains("hu");
                plants.Add(new Plant($"{id}-hu", "Hungary", "HU", "europe", [Powertrain.Bev], PlantStatus.Planned,
                    new DateOnly(2026, 1, 1),
                    [new CapacityPoint(2026, A(spec.LocalPlantCapacity / 3, "vehicles/year")), new CapacityPoint(2027, A(spec.LocalPlantCapacity, "vehicles/year"))],
                    A(1.2, "ratio"), inHungary ? "hu" : null, null,
                    inHungary ? spec.LocalPlantAssembly : GoodsForm.Cbu,
                    [new YearValue(2026, A(spec.LocalPlantLocalContent, "share"))]));
            }
            var presence = ImmutableArray.CreateBuilder<BrandMarket>();
            for (var m = 0; m < spec.MarketIds.Length; m++)
            {
                var bevVolume = spec.Sizes[m] * spec.BevShares[m];
                var phevVolume = spec.Sizes[m] * spec.PhevShares[m];
                var sales = ImmutableArray.CreateBuilder<BrandSales>();
                sales.Add(new BrandSales(Powertrain.Bev, A(Math.Round(bevVolume * spec.BrandShareOfNest[b]), "vehicles")));
                if (b == 0)
                {
                    sales.Add(new BrandSales(Powertrain.Phev, A(Math.Round(phevVolume * spec.BrandShareOfNest[b]), "vehicles")));
                }
                presence.Add(new BrandMarket(spec.MarketIds[m], new DateOnly(2022 + b, 6, 1), sales.ToImmutable(),
                    Stores: A(50 + 50 * b, "stores"), ServicePoints: A(40, "sites")));
            }
            brands.Add(new BrandData(id, id.ToUpperInvariant(), id, "CN", offers, plants.ToImmutable(), presence.ToImmutable()));
        }

        var markets = ImmutableArray.CreateBuilder<MarketData>();
        for (var m = 0; m < spec.MarketIds.Length; m++)
        {
            var (country, region, union, currency) = countries[spec.MarketIds[m]];
            var fx = currency == "EUR" ? 1.1 : 1;
            markets.Add(new MarketData(spec.MarketIds[m], spec.MarketIds[m].ToUpperInvariant(), country, region, currency,
                V(Math.Round(spec.Sizes[m]), "vehicles"), V(spec.BevShares[m], "share"), V(spec.PhevShares[m], "share"),
                A(spec.Growth, "share/year"), A(spec.Chargers[m], "points"), A(0.1, "share/year"), A(0.2, "share"), A(1.6, "ratio"),
                [
                    new CompetitorPresence("incumbent", [
                        new CompetitorOffer(Powertrain.Bev, A(42_000 / fx, currency), A(400, "km"), ResidualShare: A(0.7, "share")),
                        new CompetitorOffer(Powertrain.Phev, A(45_000 / fx, currency), ResidualShare: A(1, "share")),
                        new CompetitorOffer(Powertrain.Other, A(30_000 / fx, currency), ResidualShare: A(1, "share")),
                    ]),
                    new CompetitorPresence("tesla", [
                        new CompetitorOffer(Powertrain.Bev, A(45_000 / fx, currency), A(520, "km"), ResidualShare: A(0.3, "share")),
                    ]),
                ],
                union,
                Incentives: spec.MarketIds[m] == "hu" && spec.HungarianLocalSubsidyEur is { } subsidy
                    ? [new Incentive("hu-local-bev", "Subsidy for EU-built BEVs", [Powertrain.Bev], A(subsidy, "EUR"), new DateOnly(2026, 1, 1), LocalOnly: true)]
                    : default));
        }

        var tariffs = ImmutableArray.CreateBuilder<TariffSchedule>();
        if (spec.MarketIds.Any(id => countries[id].Union == "eu"))
        {
            var from = new DateOnly(2024, 10, 30);
            tariffs.Add(new TariffSchedule("eu", [
                new TariffRule("eu-mfn", "EU MFN", TariffKind.Mfn, "eu-mfn", ["*"], [Powertrain.Bev, Powertrain.Phev, Powertrain.Other], V(spec.MfnRate, "share"), new DateOnly(2000, 1, 1)),
                new TariffRule("eu-cvd-alpha", "CVD alpha", TariffKind.Countervailing, "eu-cvd", ["CN"], [Powertrain.Bev], V(spec.CvdRate, "share"), from, Brands: ["alpha"]),
                new TariffRule("eu-cvd-other", "CVD others", TariffKind.Countervailing, "eu-cvd", ["CN"], [Powertrain.Bev], V(0.207, "share"), from),
                new TariffRule("eu-mfn-skd", "EU MFN on kits with a car's character", TariffKind.Mfn, "eu-mfn-skd", ["*"], [Powertrain.Bev, Powertrain.Phev, Powertrain.Other], A(spec.MfnRate, "share"), new DateOnly(2000, 1, 1), Goods: GoodsForm.Skd),
                new TariffRule("eu-ckd", "EU duty on parts kits", TariffKind.Mfn, "eu-ckd", ["*"], [Powertrain.Bev, Powertrain.Phev, Powertrain.Other], A(spec.MfnRate / 2, "share"), new DateOnly(2000, 1, 1), Goods: GoodsForm.Ckd),
            ]));
        }
        if (spec.MarketIds.Contains("th"))
        {
            var thai = new List<TariffRule>
            {
                new("th-general", "Thai duty", TariffKind.Mfn, "th-import", ["*"], [Powertrain.Bev, Powertrain.Phev, Powertrain.Other], A(spec.ThaiRate, "share"), new DateOnly(2000, 1, 1)),
            };
            if (spec.ThaiQuotaUnits is { } quota)
            {
                thai.Add(new TariffRule("th-quota", "Thai duty-free quota", TariffKind.Preferential, "th-import", ["*"], [Powertrain.Bev, Powertrain.Phev, Powertrain.Other],
                    A(0, "share"), new DateOnly(2000, 1, 1), QuotaUnits: A(quota, "vehicles")));
            }
            tariffs.Add(new TariffSchedule("th", [.. thai]));
        }

        var freight = ImmutableArray.Create(
            new FreightLane("china", "europe", A(2000, "USD")),
            new FreightLane("china", "asean", A(800, "USD")),
            new FreightLane("europe", "europe", A(400, "USD")),
            new FreightLane("europe", "asean", A(1500, "USD")));

        return new Dataset(manifest, sources, markets.ToImmutable(), brands.ToImmutable(), competitors, tariffs.ToImmutable(), freight);
    }
}
