using NevGrains.Model.Data;
using NevGrains.Model.Engine;
using NevGrains.Model.Results;
using NevGrains.Model.Scenarios;

namespace NevGrains.Model.Tests.Engine;

/// <summary>
/// The shipped base from 2025 to 2030 as an analyst first reads it (docs/model.md, section 12): it converges, it has no cliffs that no
/// dated event explains, it leaves almost no demand unmet, it sells at a loss nowhere, and its tariff response matches the literature.
/// </summary>
public sealed class BaseTrajectoryTests(ITestOutputHelper output)
{
    private static readonly CompiledBaseline Compiled = CompiledBaseline.Shipped;
    private static readonly Lazy<ScenarioResult> LazyBase = new(() => ScenarioEngine.Run(Compiled, Scenario.Base()));
    private static ScenarioResult Base => LazyBase.Value;

    private static readonly string[] Regions = ["eu", "europe", "asean", "latam"];

    /// <summary>Year-on-year falls of more than 15% that dated data events explain (brand, region, year).</summary>
    private static readonly Dictionary<(string Brand, string Region, int Year), string> ExplainedFalls = new()
    {
        [("chery", "latam", 2026)] = "Mexico's duty on cars from non-FTA origins rises from 20% to 50% on 1 Jan 2026 (tariffs/mx.json mx-non-fta-2026); Brazil's duty steps to 35% in July 2026 as its duty-free quotas end (br-*-2026-07)",
        [("geely", "latam", 2026)] = "Mexico's 50% duty from 1 Jan 2026 and Brazil's 35% step in July 2026, as for Chery",
        [("saic", "latam", 2026)] = "Mexico's 50% duty from 1 Jan 2026 and Brazil's 35% step in July 2026, as for Chery",
    };

    [Fact]
    public void The_base_converges_in_every_year_with_default_parameters()
    {
        var diagnostics = Base.Diagnostics;

        Assert.True(diagnostics.Converged, string.Join(", ", diagnostics.Years.Select(y => $"{y.Year}: {y.Exit} after {y.Iterations}, residual {y.Residual:E1}")));
        Assert.Equal(Base.Horizon - Base.BaseYear, diagnostics.Years.Length);
    }

    [Fact]
    public void No_chinese_brand_falls_more_than_fifteen_percent_a_year_in_a_region_unless_a_dated_event_explains_it()
    {
        foreach (var brand in Compiled.Brands)
        {
            foreach (var region in Regions)
            {
                for (var year = Base.BaseYear + 1; year <= Base.Horizon; year++)
                {
                    var before = Units(Base, brand.Id, region, year - 1);
                    var after = Units(Base, brand.Id, region, year);
                    if (before < 1_000 || after >= before * 0.85)
                    {
                        continue;
                    }
                    Assert.True(ExplainedFalls.TryGetValue((brand.Id, region, year), out var why),
                        $"{brand.Id} in {region}: {before:N0} ({year - 1}) -> {after:N0} ({year}), {after / before - 1:P1}, with no dated event to explain it");
                    output.WriteLine($"{brand.Id} {region} {year}: {after / before - 1:P1}: {why}");
                }
            }
        }
    }

    [Fact]
    public void No_cell_of_a_thousand_units_drops_to_zero()
    {
        foreach (var cell in Base.Cells.Where(c => !c.IsCompetitor && c.Year > Base.BaseYear))
        {
            var previous = Base.Cell(cell.Owner, cell.Market, cell.Year - 1);
            Assert.False(previous is { Units: >= 1_000 } && cell.Units < 1,
                $"{cell.Owner} in {cell.Market}: {previous?.Units:N0} ({cell.Year - 1}) -> {cell.Units:N0} ({cell.Year})");
        }
    }

    [Fact]
    public void No_brand_leaves_more_than_five_percent_of_its_demand_unmet()
    {
        foreach (var brand in Base.Brands.Where(b => b.Year > Base.BaseYear))
        {
            Assert.True(brand.UnmetUnits <= 0.05 * (brand.Units + brand.UnmetUnits), $"{brand.Brand} {brand.Year}: {brand.UnmetUnits:N0} unmet of {brand.Units + brand.UnmetUnits:N0}");
        }
    }

    [Fact]
    public void No_brand_sells_at_a_loss_anywhere_in_the_base()
    {
        // The base year reveals costs from prices (a price that does not cover the modelled cost plus the minimum margin shows a cheaper
        // supply than the data has), and later prices never fall below cost plus that margin (docs/model.md, section 4.3).
        foreach (var cell in Base.Cells.Where(c => !c.IsCompetitor && c.Units > 0))
        {
            Assert.True(cell.GrossMarginUsd >= -1e-6 * cell.RevenueUsd, $"{cell.Owner} in {cell.Market} {cell.Year}: margin {cell.GrossMarginRate:P1}");
        }
    }

    /// <summary>
    /// Kiel Institute (2024): a 20% EU tariff cuts Chinese EV imports by about 25% (FACTS B.4). Here +20 points on every China-built BEV from
    /// 2026 must cut Chinese brands' BEV sales in the EU by 10-45% in every year to 2030, not only in the first.
    /// </summary>
    [Fact]
    public void A_twenty_point_eu_duty_on_china_built_bevs_cuts_chinese_brands_eu_bevs_by_ten_to_forty_five_percent_every_year()
    {
        var duty = ScenarioEngine.Run(Compiled, new Scenario("eu-duty-plus-20", [new TariffLever("eu", 0.20, new DateOnly(2026, 1, 1), Powertrains: [Powertrain.Bev])]), cancellationToken: TestContext.Current.CancellationToken);

        for (var year = 2026; year <= 2030; year++)
        {
            var spec = new MetricSpec(MetricKind.BevUnits, year, Markets: ["eu"]);
            var before = spec.Evaluate(Base, Compiled);
            var after = spec.Evaluate(duty, Compiled);
            var imports = new MetricSpec(MetricKind.ChinaBuiltBevUnits, year, Markets: ["eu"]);
            output.WriteLine($"{year}: Chinese brands' BEVs in the EU {before:N0} -> {after:N0} ({after / before - 1:P1}); China-built {imports.Evaluate(Base, Compiled):N0} -> {imports.Evaluate(duty, Compiled):N0}; Kiel: about -25%");
            Assert.InRange(after / before - 1, -0.45, -0.10);
        }
    }

    private static double Units(ScenarioResult result, string brand, string region, int year) =>
        new MetricSpec(MetricKind.Units, year, Owner: brand, Markets: [region]).Evaluate(result, Compiled);
}
