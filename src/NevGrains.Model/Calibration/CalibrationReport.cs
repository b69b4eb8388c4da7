using System.Collections;
using System.Collections.Immutable;
using System.Reflection;
using NevGrains.Model.Data;
using NevGrains.Model.Engine;
using NevGrains.Model.Parameters;
using NevGrains.Model.Results;
using NevGrains.Model.Scenarios;

namespace NevGrains.Model.Calibration;

/// <summary>How well the calibrated base year reproduces the data: every sales cell, every calibration target, and where sources disagree.</summary>
[GenerateSerializer, Immutable, Alias("nev.CalibrationReport")]
public sealed record CalibrationReport(
    [property: Id(0)] string DatasetVersion,
    [property: Id(1)] ImmutableArray<CellResidual> Cells,
    [property: Id(2)] ImmutableArray<TargetCheck> Targets,
    [property: Id(3)] ImmutableArray<SourceConflict> Conflicts,
    [property: Id(4)] ImmutableArray<ConflictingValue> ConflictingValues)
{
    /// <summary>Relative tolerance per brand x market cell with data.</summary>
    public const double CellTolerance = 0.005;

    public double MaxCellError => Cells.IsDefaultOrEmpty ? 0 : Cells.Max(c => Math.Abs(c.RelativeError));

    public bool CellsWithinTolerance => Cells.All(c => Math.Abs(c.RelativeError) <= CellTolerance);

    public bool TargetsMet => Targets.All(t => t.Met);
}

[GenerateSerializer, Immutable, Alias("nev.CellResidual")]
public sealed record CellResidual(
    [property: Id(0)] string Brand,
    [property: Id(1)] string Market,
    [property: Id(2)] Powertrain Powertrain,
    [property: Id(3)] double DataUnits,
    [property: Id(4)] double ModelUnits,
    [property: Id(5)] DataStatus Status)
{
    public double RelativeError => DataUnits > 0 ? ModelUnits / DataUnits - 1 : ModelUnits > 0 ? 1 : 0;
}

[GenerateSerializer, Immutable, Alias("nev.TargetCheck")]
public sealed record TargetCheck(
    [property: Id(0)] string Id,
    [property: Id(1)] string Description,
    [property: Id(2)] TargetComparison Comparison,
    [property: Id(3)] double Target,
    [property: Id(4)] double Model,
    [property: Id(5)] double Tolerance)
{
    public double RelativeError => Target > 0 ? Model / Target - 1 : 0;

    public bool Met => Comparison == TargetComparison.AtLeast ? RelativeError >= -Tolerance : Math.Abs(RelativeError) <= Tolerance;
}

/// <summary>A data point whose sources disagree (status C): where it is, the value used and the others.</summary>
[GenerateSerializer, Immutable, Alias("nev.ConflictingValue")]
public sealed record ConflictingValue(
    [property: Id(0)] string Path,
    [property: Id(1)] DataPoint Value);

public static class CalibrationCheck
{
    /// <summary>Runs the base year and compares it with the data and the calibration targets.</summary>
    public static CalibrationReport Report(CompiledBaseline compiled, ModelParameters? parameters = null)
    {
        var result = ScenarioEngine.RunValidated(compiled, Scenario.Base(compiled.BaseYear + 1), parameters, growthOffset: null);
        var year = compiled.BaseYear;
        var cells = ImmutableArray.CreateBuilder<CellResidual>();
        foreach (var brand in compiled.Dataset.Brands)
        {
            foreach (var presence in brand.Markets.OrEmpty())
            {
                var cell = result.Cell(brand.Id, presence.Market, year);
                foreach (var sales in presence.Sales.OrEmpty())
                {
                    var modelled = cell is null ? 0 : sales.Powertrain switch
                    {
                        Powertrain.Bev => cell.BevUnits,
                        Powertrain.Phev => cell.PhevUnits,
                        _ => cell.OtherUnits,
                    };
                    cells.Add(new CellResidual(brand.Id, presence.Market, sales.Powertrain, sales.Units.Value, modelled, sales.Units.Status));
                }
            }
        }

        var targets = ImmutableArray.CreateBuilder<TargetCheck>();
        foreach (var target in compiled.Dataset.Manifest.CalibrationTargets.OrEmpty())
        {
            targets.Add(new TargetCheck(target.Id, target.Description, target.Comparison, target.Value.Value,
                TargetValue(compiled, result, target), target.Tolerance));
        }

        var conflicting = ImmutableArray.CreateBuilder<ConflictingValue>();
        Walk(compiled.Dataset, "", conflicting);
        return new CalibrationReport(compiled.Version, cells.ToImmutable(), targets.ToImmutable(),
            compiled.Dataset.Manifest.Conflicts.OrEmpty(), conflicting.ToImmutable());
    }

    /// <summary>The model's value for a calibration target in the base year.</summary>
    public static double TargetValue(CompiledBaseline compiled, ScenarioResult result, CalibrationTarget target)
    {
        var markets = MarketSelector.Resolve(compiled, target.Markets.OrEmpty());
        var powertrains = target.Powertrains.IsDefaultOrEmpty ? Powertrains.All.ToHashSet() : target.Powertrains.ToHashSet();
        var nevOnly = !powertrains.Contains(Powertrain.Other) && powertrains.Contains(Powertrain.Bev) && powertrains.Contains(Powertrain.Phev);
        var total = 0.0;
        foreach (var cell in result.Cells)
        {
            if (cell.Year != compiled.BaseYear || cell.IsCompetitor || !markets.Contains(cell.Market))
            {
                continue;
            }
            if (target.Brand is { } brand ? cell.Owner != brand : !compiled.Brands[compiled.BrandIndex[cell.Owner]].IsChinese)
            {
                continue;
            }
            total += target.Metric switch
            {
                CalibrationMetric.ChinaBuiltExports => nevOnly ? cell.ChinaBuiltNevUnits : cell.ChinaBuiltUnits,
                _ => (powertrains.Contains(Powertrain.Bev) ? cell.BevUnits : 0)
                     + (powertrains.Contains(Powertrain.Phev) ? cell.PhevUnits : 0)
                     + (powertrains.Contains(Powertrain.Other) ? cell.OtherUnits : 0),
            };
        }
        return total;
    }

    /// <summary>Finds every data point with status C in the dataset, with a readable path.</summary>
    private static void Walk(object? node, string path, ImmutableArray<ConflictingValue>.Builder found)
    {
        switch (node)
        {
            case null or string:
                return;
            case DataPoint point:
                if (point.Status == DataStatus.C)
                {
                    found.Add(new ConflictingValue(path, point));
                }
                return;
            case IEnumerable items:
                if (node.GetType().GetProperty("IsDefault")?.GetValue(node) is true)
                {
                    return; // a default ImmutableArray: nothing there
                }
                var i = 0;
                foreach (var item in items)
                {
                    var id = item?.GetType().GetProperty("Id")?.GetValue(item) as string
                             ?? item?.GetType().GetProperty("Market")?.GetValue(item) as string;
                    Walk(item, id is null ? $"{path}[{i}]" : $"{path}[{id}]", found);
                    i++;
                }
                return;
        }
        var type = node.GetType();
        if (type.IsPrimitive || type.IsEnum || type == typeof(DateOnly) || type.Namespace != typeof(DataPoint).Namespace)
        {
            return;
        }
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.Name == "Version")
            {
                continue;
            }
            var name = char.ToLowerInvariant(property.Name[0]) + property.Name[1..];
            Walk(property.GetValue(node), path.Length == 0 ? name : $"{path}.{name}", found);
        }
    }
}
