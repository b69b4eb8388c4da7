using NevGrains.Model.Data;
using NevGrains.Model.Engine;
using NevGrains.Model.Engine.Supply;
using NevGrains.Model.Experiments;
using NevGrains.Model.Parameters;
using NevGrains.Model.Scenarios;
using NevGrains.TestSupport;

namespace NevGrains.Model.Tests.Engine;

/// <summary>Pieces of the model checked against values computed by hand.</summary>
public sealed class ComponentTests
{
    [Fact]
    public void Duty_waterfall_charges_the_minimum_the_quota_share_and_the_threshold_route()
    {
        // Group 1: 40% with a USD 7,000 minimum. Group 2: a 15% route for cars valued USD 35,000 or more, in a quota
        // that covers 25% of imports; otherwise 70%.
        DutyCandidate[] quarter =
        [
            new(0.40, 7_000, 0, -1, 0),
            new(0.15, 0, 35_000, 0, 0),
            new(0.70, 0, 0, -1, 0),
        ];
        var plan = new DutyPlan([.. quarter, .. quarter, .. quarter, .. quarter], [1, 3, 4, 6, 7, 9, 10, 12], [2, 4, 6, 8]);

        var (cheap, _) = plan.Evaluate(10_000, [0.25]);
        var (dear, _) = plan.Evaluate(40_000, [0.25]);

        // 10,000: the minimum 7,000 plus 70% (below the threshold).
        Assert.Equal(7_000 + 7_000, cheap, 6);
        // 40,000: 40% = 16,000, plus a quarter at 15% and the rest at 70%.
        Assert.Equal(16_000 + 0.25 * 6_000 + 0.75 * 28_000, dear, 6);
    }

    [Fact]
    public void A_rule_in_force_for_half_the_year_counts_for_half()
    {
        Assert.Equal(0.5, YearDates.ShareOfYear(2026, new DateOnly(2026, 7, 2), null), 2);
        Assert.Equal(0, YearDates.ShareOfYear(2026, new DateOnly(2027, 1, 1), null));
        Assert.Equal(1, YearDates.ShareOfYear(2026, new DateOnly(2020, 1, 1), new DateOnly(2030, 1, 1)));
    }

    [Fact]
    public void Base_year_tariff_paid_matches_the_hand_computed_duty()
    {
        var dataset = SyntheticDataset.Small();
        var compiled = new CompiledBaseline(dataset);
        var p = ModelParameters.Default;

        var cell = ScenarioEngine.Run(compiled, Scenario.Base(), cancellationToken: TestContext.Current.CancellationToken).Cell("alpha", "de", 2025)!;

        // alpha's BEV: home price CNY 150,000 at 0.14 USD; unit cost = home / 1.13 x homeCostRatio; customs value = cost x
        // (1 + FOB markup) + USD 2,000 freight; duty = (10% MFN + 17% CVD) of it. The PHEV pays the 10% MFN only.
        double Customs(double homeCny) => homeCny * 0.14 / 1.13 * p[ParameterId.HomeCostRatio] * (1 + p[ParameterId.ExportFobMarkup]) + 2_000;
        var expected = cell.BevUnits * 0.27 * Customs(150_000) + cell.PhevUnits * 0.10 * Customs(160_000);
        Assert.Equal(expected, cell.TariffPaidUsd, 0);
        Assert.Equal(0, cell.LocallyBuiltShare);
    }

    [Fact]
    public void A_brand_specific_rule_beats_the_all_brands_rule_of_its_group()
    {
        var compiled = new CompiledBaseline(SyntheticDataset.Small());
        var book = compiled.BaseTariffs;
        var de = compiled.Markets[compiled.MarketIndex["de"]];
        var china = (string brand) => compiled.Plants[compiled.PlantIndex[$"{brand}-china"]];

        var alpha = book.Plan(compiled.Brands[0], china("alpha"), de, Powertrain.Bev, 1).Evaluate(10_000, []).Duty;
        var beta = book.Plan(compiled.Brands[1], china("beta"), de, Powertrain.Bev, 1).Evaluate(10_000, []).Duty;

        Assert.Equal(10_000 * (0.10 + 0.17), alpha, 6);
        Assert.Equal(10_000 * (0.10 + 0.207), beta, 6);
    }

    [Fact]
    public void A_car_built_inside_the_customs_union_pays_no_duty()
    {
        var compiled = new CompiledBaseline(SyntheticDataset.Small());
        var de = compiled.Markets[compiled.MarketIndex["de"]];
        var hungary = compiled.Plants[compiled.PlantIndex["alpha-hu"]];

        var plan = compiled.BaseTariffs.Plan(compiled.Brands[0], hungary, de, Powertrain.Bev, 2);

        Assert.True(plan.IsFree);
    }

    [Fact]
    public void A_replace_lever_overrides_every_duty_and_a_removal_lifts_one_group()
    {
        var compiled = new CompiledBaseline(SyntheticDataset.Small());
        var de = compiled.Markets[compiled.MarketIndex["de"]];
        var plant = compiled.Plants[compiled.PlantIndex["alpha-china"]];
        var from = new DateOnly(2026, 1, 1);
        var replace = Book(compiled, new TariffLever("eu", 0.05, from, Mode: TariffMode.Replace));
        var removal = Book(compiled, new TariffRemovalLever("eu", "eu-cvd", from));

        Assert.Equal(500, replace.Plan(compiled.Brands[0], plant, de, Powertrain.Bev, 1).Evaluate(10_000, []).Duty, 6);
        Assert.Equal(1_000, removal.Plan(compiled.Brands[0], plant, de, Powertrain.Bev, 1).Evaluate(10_000, []).Duty, 6);
        // In the base year neither lever applies.
        Assert.Equal(2_700, replace.Plan(compiled.Brands[0], plant, de, Powertrain.Bev, 0).Evaluate(10_000, []).Duty, 6);
    }

    [Fact]
    public void A_price_undertaking_replaces_the_countervailing_duty_with_a_minimum_import_price()
    {
        var compiled = new CompiledBaseline(SyntheticDataset.Small());
        var de = compiled.Markets[compiled.MarketIndex["de"]];
        var plant = compiled.Plants[compiled.PlantIndex["alpha-china"]];
        var book = Book(compiled, new PriceUndertakingLever("eu", "alpha", 30_000, new DateOnly(2026, 1, 1)));

        var (duty, mip) = book.Plan(compiled.Brands[0], plant, de, Powertrain.Bev, 1).Evaluate(20_000, []);

        Assert.Equal(2_000, duty, 6); // the 10% MFN only
        Assert.Equal(30_000, mip, 6);
    }

    [Fact]
    public void Allocation_moves_the_units_that_lose_least_off_a_full_plant()
    {
        var problem = new AllocationProblem();
        var local = problem.AddConstraint(100);
        problem.AddCell(demand: 80, revenue: 40_000);
        problem.AddRoute(20_000, (local, 1));
        problem.AddRoute(30_000); // loses 10,000 a car off the local plant
        problem.AddCell(demand: 80, revenue: 40_000);
        problem.AddRoute(25_000, (local, 1));
        problem.AddRoute(26_000); // loses 1,000 a car

        var result = RouteAllocator.Solve(problem);

        Assert.Equal(80, result.RouteUnits[0], 3);
        Assert.Equal(20, result.RouteUnits[2], 3);
        Assert.Equal(60, result.RouteUnits[3], 3);
        Assert.InRange(result.ShadowPrices[local], 999, 1_001); // one more local car saves the far cell 1,000
    }

    [Fact]
    public void Demand_beyond_every_plant_is_unserved()
    {
        var problem = new AllocationProblem();
        var only = problem.AddConstraint(50);
        problem.AddCell(demand: 80, revenue: 30_000);
        problem.AddRoute(20_000, (only, 1));

        var result = RouteAllocator.Solve(problem);

        Assert.Equal(50, result.RouteUnits[0], 3);
        Assert.Equal(30, result.Unserved[0], 3);
    }

    [Fact]
    public void A_kit_plant_pays_its_kit_duty_on_every_car_and_exports_as_china_built_until_its_local_content_reaches_the_threshold()
    {
        var compiled = CompiledBaseline.Shipped;
        var barcelona = compiled.Plants[compiled.PlantIndex["chery-barcelona"]];
        var book = compiled.BaseTariffs;
        var chery = compiled.Brands[compiled.BrandIndex["chery"]];

        // The same kit plan whatever the destination: kits enter the EU at Barcelona.
        Assert.Same(book.KitPlan(chery, barcelona, Powertrain.Phev, 2), book.KitPlan(chery, barcelona, Powertrain.Phev, 2));
        // Inside the customs union the car circulates freely; only the kit duty applies.
        Assert.True(book.Plan(chery, barcelona, compiled.Markets[compiled.MarketIndex["de"]], Powertrain.Phev, 2).IsFree);
        Assert.True(book.Plan(chery, barcelona, compiled.Markets[compiled.MarketIndex["es"]], Powertrain.Phev, 2).IsFree);
        var rayong = compiled.Plants[compiled.PlantIndex["byd-rayong"]];
        Assert.Equal("TH", book.Origin(rayong, 2)); // 40-50% local content
        var jizzakh = compiled.Plants[compiled.PlantIndex["byd-jizzakh"]];
        Assert.Equal("CN", book.Origin(jizzakh, 1)); // 15% local content: still a Chinese car
    }

    private static TariffBook Book(CompiledBaseline compiled, params Lever[] levers) =>
        new(compiled, levers, compiled.Plants, ModelParameters.Default[ParameterId.OriginLocalContent], compiled.BaseTariffs);

    [Fact]
    public void Prior_quantiles_match_the_normal_distribution()
    {
        var prior = new Prior(PriorKind.Normal, 2);

        Assert.Equal(10 + 2 * 1.959964, prior.Quantile(0.975, 10, 0, 20), 4);
        Assert.Equal(10, prior.Quantile(0.5, 10, 0, 20), 6);
        Assert.Equal(20, prior.Quantile(1, 10, 0, 20));
    }

    [Fact]
    public void A_beta_prior_has_its_default_near_the_median_and_stays_in_range()
    {
        var prior = new Prior(PriorKind.Beta, 20);

        var median = prior.Quantile(0.5, 0.5, 0.2, 0.9);

        Assert.InRange(median, 0.47, 0.53);
        Assert.InRange(prior.Quantile(0.0001, 0.5, 0.2, 0.9), 0.2, 0.9);
    }

    [Fact]
    public void Counter_random_numbers_are_reproducible_and_uniform()
    {
        var draws = Enumerable.Range(0, 20_000).Select(i => CounterRandom.Uniform(42, i, 3)).ToArray();

        Assert.Equal(draws[17], CounterRandom.Uniform(42, 17, 3));
        Assert.NotEqual(draws[17], CounterRandom.Uniform(43, 17, 3));
        Assert.InRange(draws.Average(), 0.49, 0.51);
        Assert.All(draws, u => Assert.InRange(u, 0, 1));
    }

    [Fact]
    public void Quantiles_interpolate_between_order_statistics()
    {
        var q = Quantiles.Of([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);

        Assert.Equal(2, q.P10, 9);
        Assert.Equal(6, q.P50, 9);
        Assert.Equal(10, q.P90, 9);
        Assert.Equal(6, q.Mean, 9);
    }

}
