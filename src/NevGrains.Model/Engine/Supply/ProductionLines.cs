using NevGrains.Model.Data;

namespace NevGrains.Model.Engine.Supply;

/// <summary>
/// A plant's powertrain lines (docs/model.md, section 6.1): a projected year's capacity is split by powertrain in proportion to what the
/// plant builds in that year of the flexible plants' lever-free run with the same parameters. A BEV line cannot build PHEVs within the
/// year, so a lever that makes one powertrain dearer frees that line's capacity for the same powertrain elsewhere, not the plant's other
/// powertrains in the taxed market. Every run uses the split, the lever-free one included, so a lever that touches nothing changes nothing.
/// </summary>
internal sealed class ProductionLines
{
    /// <summary>[compiled plant][year · Powertrains.Count + powertrain]: units built in the flexible lever-free run.</summary>
    private readonly double[][] _units;

    private ProductionLines(double[][] units) => _units = units;

    public int Years => _units.Length == 0 ? 0 : _units[0].Length / Powertrains.Count;

    /// <summary>The lines <paramref name="run"/>, a run on flexible plants, built once it has run every year.</summary>
    public static ProductionLines From(RunState run, int compiledPlants)
    {
        var lineUnits = run.PlantLineUnits ?? throw new InvalidOperationException("a run on powertrain lines does not record a split");
        var units = new double[compiledPlants][];
        for (var p = 0; p < compiledPlants; p++)
        {
            units[p] = (double[])lineUnits[p].Clone();
        }
        return new ProductionLines(units);
    }

    /// <summary>
    /// Writes into <paramref name="shares"/> the split of plant <paramref name="plant"/>'s capacity in year <paramref name="y"/> over the
    /// powertrains it serves this year; false (one flexible line) for a plant the lever-free run does not have, or that built none of one
    /// of those powertrains that year (fewer than <see cref="ModelConstants.MinimumLineUnits"/>).
    /// </summary>
    public bool TrySplit(int plant, int y, bool[] serves, Span<double> shares)
    {
        if (plant >= _units.Length || y >= Years)
        {
            return false;
        }
        var total = 0.0;
        for (var k = 0; k < Powertrains.Count; k++)
        {
            shares[k] = serves[k] ? _units[plant][y * Powertrains.Count + k] : 0;
            if (serves[k] && !(shares[k] >= ModelConstants.MinimumLineUnits))
            {
                return false;
            }
            total += shares[k];
        }
        for (var k = 0; k < Powertrains.Count; k++)
        {
            shares[k] /= total;
        }
        return true;
    }
}
