using NevGrains.Model.Data;
using NevGrains.Model.Engine;
using NevGrains.Model.Results;
using NevGrains.Model.Scenarios;

namespace NevGrains.Model.Tests.Engine;

/// <summary>The model's responses against published estimates (docs/model.md, section 12).</summary>
public sealed class LiteratureChecks(ITestOutputHelper output)
{
    /// <summary>
    /// Kiel Institute (2024): a 20% EU tariff cuts Chinese EV imports by about 25%. Here: +20 points on every China-built BEV from
    /// 2026, measured on China-built BEVs sold in the EU in 2026, the first full year (before local plants take most of the volume).
    /// </summary>
    [Fact]
    public void A_twenty_point_eu_duty_cuts_chinese_bev_imports_by_about_a_quarter()
    {
        var compiled = CompiledBaseline.Shipped;
        var imports = new MetricSpec(MetricKind.ChinaBuiltBevUnits, 2026, Markets: ["eu"]);
        var duty = new Scenario("eu-duty-plus-20", [new TariffLever("eu", 0.20, new DateOnly(2026, 1, 1), Powertrains: [Powertrain.Bev])]);

        var before = imports.Evaluate(ScenarioEngine.Run(compiled, Scenario.Base()), compiled);
        var after = imports.Evaluate(ScenarioEngine.Run(compiled, duty), compiled);
        var change = after / before - 1;

        output.WriteLine($"China-built BEVs sold in the EU in 2026: {before:N0} -> {after:N0} ({change:P1}); Kiel Institute: about -25%");
        Assert.InRange(change, -0.35, -0.15);
    }
}
