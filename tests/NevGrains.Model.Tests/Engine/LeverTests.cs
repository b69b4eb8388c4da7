using NevGrains.Model.Data;
using NevGrains.Model.Engine;
using NevGrains.Model.Results;
using NevGrains.Model.Scenarios;

namespace NevGrains.Model.Tests.Engine;

/// <summary>Every lever family of BRIEF section 2 moves results the way an analyst expects, on the shipped baseline.</summary>
public sealed class LeverTests
{
    private static readonly CompiledBaseline Compiled = CompiledBaseline.Shipped;
    private static readonly ScenarioResult Base = ScenarioEngine.Run(Compiled, Scenario.Base());

    private static double Metric(ScenarioResult result, MetricKind kind, int year, string? owner = null, params string[] markets) =>
        new MetricSpec(kind, year, owner, [.. markets]).Evaluate(result, Compiled);

    private static ScenarioResult Run(params Lever[] levers) => ScenarioEngine.Run(Compiled, new Scenario("lever-test", [.. levers]));

    [Fact]
    public void A_late_szeged_plant_means_more_tariff_and_less_local_build_for_byd_in_the_eu()
    {
        var late = Run(new PlantLever("byd-szeged", StartDelayMonths: 12));

        Assert.True(Metric(late, MetricKind.LocallyBuiltShare, 2027, "byd", "eu") < Metric(Base, MetricKind.LocallyBuiltShare, 2027, "byd", "eu"));
        Assert.True(Metric(late, MetricKind.TariffPaid, 2027, "byd", "eu") > Metric(Base, MetricKind.TariffPaid, 2027, "byd", "eu"));
        Assert.True(late.Plants.Single(p => p.Plant == "byd-szeged" && p.Year == 2026).Capacity
                    < Base.Plants.Single(p => p.Plant == "byd-szeged" && p.Year == 2026).Capacity);
    }

    [Fact]
    public void A_minimum_price_instead_of_the_duty_cuts_byds_eu_tariff_and_keeps_its_price_above_the_floor()
    {
        var undertaking = Run(new PriceUndertakingLever("eu", "byd", 30_000, new DateOnly(2026, 1, 1)));

        Assert.True(Metric(undertaking, MetricKind.TariffPaid, 2026, "byd", "de") < Metric(Base, MetricKind.TariffPaid, 2026, "byd", "de"));
        // The duty is handed to BYD as a price that must cover the floor: its German price barely moves.
        Assert.True(Metric(undertaking, MetricKind.AveragePrice, 2026, "byd", "de") >= Metric(Base, MetricKind.AveragePrice, 2026, "byd", "de") * 0.99);
    }

    [Fact]
    public void Lifting_brazils_electric_car_duty_sells_more_chinese_bevs_there()
    {
        var lifted = Run(new TariffRemovalLever("br", "br-bev", new DateOnly(2026, 1, 1)));

        Assert.True(Metric(lifted, MetricKind.BevUnits, 2027, null, "br") > Metric(Base, MetricKind.BevUnits, 2027, null, "br"));
        Assert.True(Metric(lifted, MetricKind.TariffPaid, 2027, null, "br") < Metric(Base, MetricKind.TariffPaid, 2027, null, "br"));
    }

    [Fact]
    public void A_stricter_thai_offset_ratio_cuts_imports_of_brands_under_it()
    {
        var strict = Run(new OffsetRuleLever("th", 10, new DateOnly(2026, 1, 1), Brands: ["byd"]));

        var locally = Metric(strict, MetricKind.LocallyBuiltShare, 2026, "byd", "th");
        Assert.True(Metric(strict, MetricKind.Units, 2026, "byd", "th") <= Metric(Base, MetricKind.Units, 2026, "byd", "th"));
        Assert.True(locally >= Metric(Base, MetricKind.LocallyBuiltShare, 2026, "byd", "th") - 1e-9);
    }

    [Fact]
    public void More_swap_stations_sell_more_nio_bevs()
    {
        var swaps = Run(new SwapStationsLever("nio", "no", 2026, 200));

        Assert.True(Metric(swaps, MetricKind.BevUnits, 2027, "nio", "no") > Metric(Base, MetricKind.BevUnits, 2027, "nio", "no"));
    }

    [Fact]
    public void An_egyptian_hub_lets_xpeng_build_locally_and_pay_less_duty()
    {
        // A hub that builds cheaper than shipping from China (Egypt's duty on EVs is low, so an expensive plant would sit idle).
        var hub = Run(new NewPlantLever("xpeng", "xpeng-egypt", "EG", "mena", new DateOnly(2027, 1, 1), [new YearAmount(2027, 20_000)],
            Market: "eg", UnitCostIndex: 0.9));

        Assert.True(Metric(hub, MetricKind.LocallyBuiltShare, 2028, "xpeng", "eg") > 0.5);
        Assert.True(Metric(hub, MetricKind.Units, 2028, "xpeng", "eg") > Metric(Base, MetricKind.Units, 2028, "xpeng", "eg"));
    }

    [Fact]
    public void Li_auto_entering_uzbekistan_with_stores_sells_there()
    {
        var before = Metric(Base, MetricKind.Units, 2028, "li-auto", "uz");
        var entered = Run(new StoresLever("li-auto", "uz", 2026, Stores: 20, ServicePoints: 10));

        Assert.True(Metric(entered, MetricKind.Units, 2028, "li-auto", "uz") > before);
    }

    [Fact]
    public void A_fading_preference_for_petrol_cars_raises_the_plug_in_share()
    {
        var fading = Run(new PreferenceLever(Powertrain.Other, -0.2, 2026, -0.1));

        Assert.True(fading.Market("th", 2030)!.BevShare + fading.Market("th", 2030)!.PhevShare
                    > Base.Market("th", 2030)!.BevShare + Base.Market("th", 2030)!.PhevShare);
    }

    [Fact]
    public void An_export_licence_cost_and_cap_cut_china_built_exports()
    {
        var licence = Run(new ExportRestrictionLever(new DateOnly(2026, 1, 1), CostPerVehicleUsd: 2_000, CapUnits: 500_000, Brands: ["byd"]));

        // The licence regime covers battery-electric cars (the default scope of the lever).
        Assert.True(Metric(licence, MetricKind.ChinaBuiltBevUnits, 2027, "byd") <= 500_000 + 1);
        Assert.True(Metric(licence, MetricKind.ChinaBuiltBevUnits, 2027, "byd") < Metric(Base, MetricKind.ChinaBuiltBevUnits, 2027, "byd"));
    }

    [Fact]
    public void A_demand_shock_shrinks_the_market_and_the_brands_in_it()
    {
        var shock = Run(new DemandShockLever(2026, -0.26, ["th"]));

        Assert.Equal(Base.Market("th", 2026)!.TotalUnits * 0.74, shock.Market("th", 2026)!.TotalUnits, 0);
        Assert.True(Metric(shock, MetricKind.Units, 2026, "byd", "th") < Metric(Base, MetricKind.Units, 2026, "byd", "th"));
    }

    [Fact]
    public void A_competitor_price_cut_lowers_the_chinese_share()
    {
        var cut = Run(new CompetitorPriceLever(-0.1, 2026, Markets: ["de"]));

        Assert.True(Metric(cut, MetricKind.Share, 2027, null, "de") < Metric(Base, MetricKind.Share, 2027, null, "de"));
    }

    [Fact]
    public void Cheaper_batteries_and_a_bev_subsidy_raise_the_bev_share()
    {
        var battery = Run(new BatteryCostLever(2026, 60));
        var subsidy = Run(new IncentiveLever("pl", new Incentive("pl-test", "test subsidy", [Powertrain.Bev],
            DataPoint.Assumed(20_000, "PLN", "scenario"), new DateOnly(2026, 1, 1))));

        Assert.True(battery.Market("de", 2028)!.BevShare > Base.Market("de", 2028)!.BevShare);
        Assert.True(subsidy.Market("pl", 2027)!.BevShare > Base.Market("pl", 2027)!.BevShare);
    }

    [Fact]
    public void Revoking_byds_turkish_exemption_makes_it_sell_less_there_at_a_higher_price_in_every_year()
    {
        var revoked = Run(new TariffExemptionLever("tr", "byd", false, new DateOnly(2026, 1, 1)));

        foreach (var year in Enumerable.Range(2026, 5))
        {
            Assert.True(Metric(revoked, MetricKind.Units, year, "byd", "tr") < Metric(Base, MetricKind.Units, year, "byd", "tr"), $"units {year}");
            Assert.True(revoked.Cell("byd", "tr", year)!.AveragePriceUsd > Base.Cell("byd", "tr", year)!.AveragePriceUsd, $"price {year}");
        }
        // BYD then ships what it can duty-free from its EU plant, so the duty it pays there may fall: the brand avoids the new duty.
    }

    [Fact]
    public void A_duty_on_an_offer_new_to_a_market_raises_its_price_and_cuts_its_sales_from_its_first_year()
    {
        // XPeng is not on sale in Egypt in 2025: its Egyptian offer enters in the projection, under the duty from its first year.
        Assert.Equal(0, Base.Cell("xpeng", "eg", 2025)?.Units ?? 0);
        var duty = Run(new TariffLever("eg", 0.19, new DateOnly(2026, 2, 1), Brands: ["xpeng"], Origins: ["*"]));

        foreach (var year in Enumerable.Range(2026, 5))
        {
            Assert.True(Base.Cell("xpeng", "eg", year)!.Units > 0, $"on sale {year}");
            Assert.True(duty.Cell("xpeng", "eg", year)!.Units < Base.Cell("xpeng", "eg", year)!.Units, $"units {year}");
            Assert.True(duty.Cell("xpeng", "eg", year)!.AveragePriceUsd > Base.Cell("xpeng", "eg", year)!.AveragePriceUsd, $"price {year}");
        }
    }

    [Fact]
    public void An_export_licence_cost_on_an_offer_new_to_a_market_raises_its_price_and_cuts_its_sales_from_its_first_year()
    {
        // The same entrant under a cost per China-built car exported (an export licence fee), from before its first year.
        var fee = Run(new ExportRestrictionLever(new DateOnly(2026, 1, 1), Brands: ["xpeng"], Markets: ["eg"], CostPerVehicleUsd: 3_000));

        foreach (var year in Enumerable.Range(2026, 5))
        {
            Assert.True(fee.Cell("xpeng", "eg", year)!.Units < Base.Cell("xpeng", "eg", year)!.Units, $"units {year}");
            Assert.True(fee.Cell("xpeng", "eg", year)!.AveragePriceUsd > Base.Cell("xpeng", "eg", year)!.AveragePriceUsd, $"price {year}");
        }
    }

    [Theory]
    [InlineData(500)]
    [InlineData(2_000)]
    public void A_near_total_export_cap_on_every_brand_converges_in_every_year_and_each_brands_china_built_bevs_fit_it(double cap)
    {
        // Rents of hundreds of thousands of dollars, where each brand's own Newton step is undone by the others': the fast solve stops
        // short and the fallback (docs/model.md, section 6.4) converges.
        var capped = Run(new ExportRestrictionLever(new DateOnly(2026, 8, 1), CapUnits: cap));

        Assert.True(capped.Diagnostics.Converged, string.Join(", ", capped.Diagnostics.Years.Select(y => $"{y.Year}: {y.Exit} after {y.Iterations}")));
        foreach (var brand in Compiled.Brands.Select(b => b.Id))
        {
            var exported = capped.Cells.Where(c => c.Owner == brand && c.Year == 2027).Sum(c => c.ChinaBuiltBevUnits);
            Assert.True(exported <= cap * (1 + 1e-6), $"{brand}: {exported:0.0} China-built BEVs exported in 2027 under a cap of {cap:0}");
        }
    }

    [Fact]
    public void A_cheaper_model_for_south_east_asia_sells_more_there()
    {
        var cheaper = Run(new OfferLever("byd", Powertrain.Bev, 2026, ["th", "id"], HomePriceCny: 90_000));

        Assert.True(Metric(cheaper, MetricKind.Units, 2026, "byd", "th") > Metric(Base, MetricKind.Units, 2026, "byd", "th"));
    }

    [Fact]
    public void An_erev_launched_where_power_is_unstable_adds_phev_sales()
    {
        var erev = Run(new OfferLever("xpeng", Powertrain.Phev, 2026, ["id"], HomePriceCny: 180_000, RangeKm: 1_100, BatteryKwh: 40));

        Assert.Equal(0, Base.Cell("xpeng", "id", 2027)?.PhevUnits ?? 0);
        Assert.True(erev.Cell("xpeng", "id", 2027)!.PhevUnits > 0);
    }

    [Fact]
    public void Leaving_a_market_ends_sales_there()
    {
        var exit = Run(new MarketExitLever("nio", "dk", new DateOnly(2027, 1, 1)));

        Assert.True((exit.Cell("nio", "dk", 2027)?.Units ?? 0) < 1e-9);
        Assert.True(exit.Cell("nio", "dk", 2026)!.Units > 0);
    }

    [Fact]
    public void Mexicos_duty_rolled_back_raises_chinese_sales_there()
    {
        var rollback = Run(new TariffLever("mx", 0.2, new DateOnly(2026, 1, 1), Origins: ["CN"], Mode: TariffMode.Replace));

        Assert.True(Metric(rollback, MetricKind.Units, 2026, null, "mx") > Metric(Base, MetricKind.Units, 2026, null, "mx"));
    }
}
