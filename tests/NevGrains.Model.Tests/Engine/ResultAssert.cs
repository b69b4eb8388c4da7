using NevGrains.Model.Results;

namespace NevGrains.Model.Tests.Engine;

/// <summary>Two results with the same cells and the same figures in each, to a relative tolerance (0: bit for bit).</summary>
internal static class ResultAssert
{
    public static void Same(ScenarioResult expected, ScenarioResult actual, double tolerance, string context)
    {
        var byKey = actual.Cells.ToDictionary(c => (c.Owner, c.Market, c.Year));
        Assert.Equal(expected.Cells.Length, actual.Cells.Length);
        var slack = tolerance > 0 ? 1e-6 : 0;
        foreach (var cell in expected.Cells)
        {
            var other = byKey[(cell.Owner, cell.Market, cell.Year)];
            foreach (var (name, a, b) in new[]
                     {
                         ("units", cell.Units, other.Units), ("bev", cell.BevUnits, other.BevUnits), ("phev", cell.PhevUnits, other.PhevUnits),
                         ("other", cell.OtherUnits, other.OtherUnits),
                         ("price", cell.AveragePriceUsd, other.AveragePriceUsd), ("margin", cell.GrossMarginUsd, other.GrossMarginUsd),
                         ("tariff", cell.TariffPaidUsd, other.TariffPaidUsd),
                     })
            {
                Assert.True(Math.Abs(a - b) <= tolerance * Math.Max(Math.Abs(a), Math.Abs(b)) + slack,
                    $"{cell.Owner} {cell.Market} {cell.Year} {name}: {a:R} vs {b:R} ({context})");
            }
        }
    }
}
