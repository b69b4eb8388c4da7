using NevGrains.Model.Calibration;
using NevGrains.Model.Engine;

namespace NevGrains.Model.Tests.Engine;

/// <summary>The calibrated base year against the shipped baseline's data and targets.</summary>
public sealed class CalibrationTests
{
    private static readonly CalibrationReport Report = CalibrationCheck.Report(CompiledBaseline.Shipped);

    [Fact]
    public void Every_brand_market_cell_with_data_is_reproduced_within_half_a_percent()
    {
        Assert.NotEmpty(Report.Cells);
        Assert.All(Report.Cells, c => Assert.True(Math.Abs(c.RelativeError) <= CalibrationReport.CellTolerance,
            $"{c.Brand} {c.Market} {c.Powertrain}: data {c.DataUnits:0}, model {c.ModelUnits:0}"));
    }

    [Fact]
    public void Every_calibration_target_is_met_within_its_tolerance()
    {
        Assert.Contains(Report.Targets, t => t.Id == "china-nev-exports-2025");
        Assert.Contains(Report.Targets, t => t.Id == "saic-overseas-nev-2025");
        Assert.All(Report.Targets, t => Assert.True(t.Met, $"{t.Id}: target {t.Target:0}, model {t.Model:0} ({t.RelativeError:P1})"));
        Assert.All(Report.Targets.Where(t => t.Comparison == NevGrains.Model.Data.TargetComparison.Equal), t => Assert.True(t.Tolerance <= 0.02));
    }

    [Fact]
    public void The_report_lists_where_sources_disagree()
    {
        var exports = Assert.Single(Report.Conflicts, c => c.Id.Contains("china-nev-exports", StringComparison.Ordinal));
        Assert.Contains(exports.Values, v => Math.Abs(v.Value - 3_430_000) < 1);
        Assert.Contains(exports.Values, v => Math.Abs(v.Value - 2_615_000) < 1);
        Assert.NotEmpty(Report.ConflictingValues);
        Assert.All(Report.ConflictingValues, v => Assert.False(v.Value.Alternatives.IsDefaultOrEmpty));
    }
}
