using System.Collections.Immutable;

namespace NevGrains.Model.Results;

/// <summary>A scenario against its base: per brand, market and year, both values and the change, and how both runs' solves went.</summary>
[GenerateSerializer, Immutable, Alias("nev.Comparison")]
public sealed record Comparison(
    [property: Id(0)] string Scenario,
    [property: Id(1)] string DatasetVersion,
    [property: Id(2)] ImmutableArray<CellChange> Cells,
    [property: Id(3)] SolverDiagnostics? Diagnostics = null,
    [property: Id(4)] SolverDiagnostics? BaseDiagnostics = null)
{
    /// <summary>Pairs the cells of two runs of the same dataset (missing cells count as zero).</summary>
    public static Comparison Of(ScenarioResult baseline, ScenarioResult scenario)
    {
        var before = baseline.Cells.ToDictionary(c => (c.Owner, c.Market, c.Year));
        var after = scenario.Cells.ToDictionary(c => (c.Owner, c.Market, c.Year));
        var keys = before.Keys.Union(after.Keys).OrderBy(k => k.Market, StringComparer.Ordinal).ThenBy(k => k.Owner, StringComparer.Ordinal).ThenBy(k => k.Year);
        var cells = ImmutableArray.CreateBuilder<CellChange>();
        foreach (var key in keys)
        {
            var b = before.GetValueOrDefault(key);
            var a = after.GetValueOrDefault(key);
            cells.Add(new CellChange(key.Owner, (a ?? b)!.IsCompetitor, key.Market, key.Year,
                b?.Units ?? 0, a?.Units ?? 0, b?.ShareOfMarket ?? 0, a?.ShareOfMarket ?? 0,
                b?.GrossMarginUsd ?? 0, a?.GrossMarginUsd ?? 0, b?.TariffPaidUsd ?? 0, a?.TariffPaidUsd ?? 0));
        }
        return new Comparison(scenario.Scenario, scenario.DatasetVersion, cells.ToImmutable(), scenario.Diagnostics, baseline.Diagnostics);
    }
}

[GenerateSerializer, Immutable, Alias("nev.CellChange")]
public sealed record CellChange(
    [property: Id(0)] string Owner,
    [property: Id(1)] bool IsCompetitor,
    [property: Id(2)] string Market,
    [property: Id(3)] int Year,
    [property: Id(4)] double BaseUnits,
    [property: Id(5)] double ScenarioUnits,
    [property: Id(6)] double BaseShare,
    [property: Id(7)] double ScenarioShare,
    [property: Id(8)] double BaseGrossMarginUsd,
    [property: Id(9)] double ScenarioGrossMarginUsd,
    [property: Id(10)] double BaseTariffPaidUsd,
    [property: Id(11)] double ScenarioTariffPaidUsd)
{
    public double UnitsChange => ScenarioUnits - BaseUnits;

    public double RelativeUnitsChange => BaseUnits > 0 ? ScenarioUnits / BaseUnits - 1 : 0;
}
