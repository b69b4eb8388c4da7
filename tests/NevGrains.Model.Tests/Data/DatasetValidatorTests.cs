using System.Collections.Immutable;
using NevGrains.Model.Data;
using NevGrains.TestSupport;

namespace NevGrains.Model.Tests.Data;

public sealed class DatasetValidatorTests
{
    private static readonly Dataset Valid = SyntheticDataset.Small();

    [Fact]
    public void The_synthetic_dataset_is_valid()
    {
        var report = DatasetValidator.Validate(Valid);

        Assert.Empty(report.Errors);
    }

    [Fact]
    public void A_share_above_one_is_reported_with_file_entity_and_field()
    {
        var market = Valid.Markets[0] with { BevShare = SyntheticDataset.V(1.2, "share") };

        var report = DatasetValidator.Validate(Valid.WithMarket(market));

        var issue = Assert.Single(report.Errors, e => e.Field == "bevShare.value");
        Assert.Equal("markets/de.json", issue.File);
        Assert.Equal("market de", issue.Entity);
        Assert.Contains("share in [0, 1]", issue.Message);
    }

    [Fact]
    public void Bev_and_phev_shares_adding_up_past_one_are_rejected()
    {
        var market = Valid.Markets[0] with { BevShare = SyntheticDataset.V(0.7, "share"), PhevShare = SyntheticDataset.V(0.4, "share") };

        var report = DatasetValidator.Validate(Valid.WithMarket(market));

        Assert.Contains(report.Errors, e => e.Field == "bevShare" && e.Message.Contains("exceeds 1"));
    }

    [Fact]
    public void A_plant_id_used_by_two_brands_is_reported()
    {
        var owner = Valid.Brands.First(b => !b.Plants.IsDefaultOrEmpty);
        var other = Valid.Brands.First(b => b.Id != owner.Id && !b.Plants.IsDefaultOrEmpty);
        var changed = other with { Plants = other.Plants.SetItem(0, other.Plants[0] with { Id = owner.Plants[0].Id }) };

        var report = DatasetValidator.Validate(Valid.WithBrand(changed));

        Assert.Contains(report.Errors, e => e.Field == "plants[0].id" && e.Message.Contains(owner.Plants[0].Id));
    }

    [Fact]
    public void An_unknown_market_id_in_a_brand_is_reported()
    {
        var brand = Valid.Brands[0];
        var presence = brand.Markets[0] with { Market = "atlantis" };
        var changed = brand with { Markets = brand.Markets.SetItem(0, presence) };

        var report = DatasetValidator.Validate(Valid.WithBrand(changed));

        var issue = Assert.Single(report.Errors, e => e.Field == "markets[0].market");
        Assert.Equal("brands/alpha.json", issue.File);
        Assert.Contains("unknown market 'atlantis'", issue.Message);
    }

    [Fact]
    public void An_unknown_brand_in_a_tariff_rule_is_reported()
    {
        var schedule = Valid.Tariffs[0];
        var rule = schedule.Rules[1] with { Brands = ["omega"] };
        var dataset = Valid with { Tariffs = [schedule with { Rules = schedule.Rules.SetItem(1, rule) }, .. Valid.Tariffs.Skip(1)] };

        var report = DatasetValidator.Validate(dataset);

        var issue = Assert.Single(report.Errors, e => e.Field == "rules[1].brands");
        Assert.Equal("tariffs/eu.json", issue.File);
        Assert.Contains("unknown brand 'omega'", issue.Message);
    }

    [Fact]
    public void A_missing_source_is_reported()
    {
        var market = Valid.Markets[0] with { NewCarSales = new DataPoint(2_800_000, "vehicles", DataStatus.V, null) };

        var report = DatasetValidator.Validate(Valid.WithMarket(market));

        var issue = Assert.Single(report.Errors, e => e.Field == "newCarSales.source");
        Assert.Contains("missing source", issue.Message);
    }

    [Fact]
    public void An_unknown_source_and_a_status_that_does_not_match_its_source_are_reported()
    {
        var market = Valid.Markets[0] with
        {
            NewCarSales = new DataPoint(2_800_000, "vehicles", DataStatus.V, "nowhere"),
            VatRate = new DataPoint(0.19, "share", DataStatus.A, SyntheticDataset.Source),
        };

        var report = DatasetValidator.Validate(Valid.WithMarket(market));

        Assert.Contains(report.Errors, e => e.Field == "newCarSales.source" && e.Message.Contains("unknown source 'nowhere'"));
        Assert.Contains(report.Errors, e => e.Field == "vatRate.status" && e.Message.Contains("must refer to an assumption"));
    }

    [Fact]
    public void A_derived_value_without_its_calculation_and_a_conflict_without_alternatives_are_reported()
    {
        var market = Valid.Markets[0] with
        {
            NewCarSales = new DataPoint(2_800_000, "vehicles", DataStatus.D, SyntheticDataset.Source),
            PublicChargers = new DataPoint(175_000, "points", DataStatus.C, SyntheticDataset.Source),
        };

        var report = DatasetValidator.Validate(Valid.WithMarket(market));

        Assert.Contains(report.Errors, e => e.Field == "newCarSales.note");
        Assert.Contains(report.Errors, e => e.Field == "publicChargers.alternatives");
    }

    [Fact]
    public void A_wrong_unit_is_reported()
    {
        var market = Valid.Markets[0] with { PublicChargers = SyntheticDataset.V(175_000, "vehicles") };

        var report = DatasetValidator.Validate(Valid.WithMarket(market));

        Assert.Contains(report.Errors, e => e.Field == "publicChargers.unit" && e.Message.Contains("'points'"));
    }

    [Fact]
    public void Overlapping_rules_of_one_group_with_the_same_scope_are_ambiguous()
    {
        var schedule = Valid.Tariffs[0];
        var overlapping = schedule.Rules[2] with { Id = "eu-cvd-other-2", AdValorem = SyntheticDataset.V(0.3, "share"), ValidFrom = new DateOnly(2025, 6, 1) };
        var dataset = Valid with { Tariffs = [schedule with { Rules = schedule.Rules.Add(overlapping) }, .. Valid.Tariffs.Skip(1)] };

        var report = DatasetValidator.Validate(dataset);

        var issue = Assert.Single(report.Errors, e => e.Message.Contains("overlaps"));
        Assert.Equal("tariffs/eu.json", issue.File);
        Assert.Equal("rules[5].validFrom", issue.Field);
        Assert.Contains("eu-cvd-other", issue.Message);
    }

    [Fact]
    public void Consecutive_steps_of_one_group_do_not_overlap()
    {
        var schedule = Valid.Tariffs[0];
        var first = schedule.Rules[2] with { ValidTo = new DateOnly(2026, 7, 1) };
        var second = schedule.Rules[2] with { Id = "eu-cvd-other-step", ValidFrom = new DateOnly(2026, 7, 1), AdValorem = SyntheticDataset.V(0.3, "share") };
        var rules = schedule.Rules.SetItem(2, first).Add(second);
        var dataset = Valid with { Tariffs = [schedule with { Rules = rules }, .. Valid.Tariffs.Skip(1)] };

        Assert.Empty(DatasetValidator.Validate(dataset).Errors);
    }

    [Fact]
    public void Dates_out_of_order_negative_capacities_and_tariffs_are_reported()
    {
        var brand = Valid.Brands[0];
        var plant = brand.Plants[1] with
        {
            End = new DateOnly(2025, 1, 1),
            Capacity = [new CapacityPoint(2026, SyntheticDataset.A(-5, "vehicles/year"))],
        };
        var schedule = Valid.Tariffs[0];
        var rule = schedule.Rules[0] with { AdValorem = SyntheticDataset.V(-0.1, "share") };
        var dataset = Valid.WithBrand(brand with { Plants = brand.Plants.SetItem(1, plant) })
            with { Tariffs = [schedule with { Rules = schedule.Rules.SetItem(0, rule) }, .. Valid.Tariffs.Skip(1)] };

        var report = DatasetValidator.Validate(dataset);

        Assert.Contains(report.Errors, e => e.Field == "plants[1].end" && e.Message.Contains("not after start"));
        Assert.Contains(report.Errors, e => e.Field == "plants[1].capacity[0].units.value");
        Assert.Contains(report.Errors, e => e.Field == "rules[0].adValorem.value" && e.File == "tariffs/eu.json");
    }

    [Fact]
    public void An_unknown_currency_is_reported()
    {
        var market = Valid.Markets[0] with { Currency = "XYZ" };

        var report = DatasetValidator.Validate(Valid.WithMarket(market));

        Assert.Contains(report.Errors, e => e.Field == "currency" && e.Message.Contains("XYZ"));
    }

    [Fact]
    public void Brand_sales_beyond_the_market_volume_are_reported()
    {
        var brand = Valid.Brands[0];
        var sales = ImmutableArray.Create(new BrandSales(Powertrain.Bev, SyntheticDataset.A(5_000_000, "vehicles")));
        var changed = brand with { Markets = brand.Markets.SetItem(0, brand.Markets[0] with { Sales = sales }) };

        var report = DatasetValidator.Validate(Valid.WithBrand(changed));

        Assert.Contains(report.Errors, e => e.File == "markets/de.json" && e.Field == "sales.BEV" && e.Message.Contains("sell more than"));
    }

    [Fact]
    public void Residual_shares_must_add_up_to_one()
    {
        var market = Valid.Markets[0];
        var presence = market.Competitors[1] with
        {
            Offers = [market.Competitors[1].Offers[0] with { ResidualShare = SyntheticDataset.A(0.5, "share") }],
        };
        var changed = market with { Competitors = market.Competitors.SetItem(1, presence) };

        var report = DatasetValidator.Validate(Valid.WithMarket(changed));

        Assert.Contains(report.Errors, e => e.Field == "competitors.BEV.residualShare");
    }
}
