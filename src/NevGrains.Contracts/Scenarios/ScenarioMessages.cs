using System.Collections.Immutable;
using NevGrains.Model.Results;

namespace NevGrains.Contracts.Scenarios;

/// <summary>A market under a scenario: its yearly totals, every alternative's cells, and how the run's solves went (null from older silos).</summary>
[GenerateSerializer, Immutable, Alias("nev.MarketProjection")]
public sealed record MarketProjection(
    [property: Id(0)] string Market,
    [property: Id(1)] string Scenario,
    [property: Id(2)] string DatasetVersion,
    [property: Id(3)] ImmutableArray<MarketYearResult> Years,
    [property: Id(4)] ImmutableArray<CellResult> Cells,
    [property: Id(5)] SolverDiagnostics? Diagnostics = null);

/// <summary>A brand under a scenario: its yearly totals, its cells in every market, its plants, and how the run's solves went (null from older silos).</summary>
[GenerateSerializer, Immutable, Alias("nev.BrandReport")]
public sealed record BrandReport(
    [property: Id(0)] string Brand,
    [property: Id(1)] string Scenario,
    [property: Id(2)] string DatasetVersion,
    [property: Id(3)] ImmutableArray<BrandYearResult> Years,
    [property: Id(4)] ImmutableArray<CellResult> Cells,
    [property: Id(5)] ImmutableArray<PlantYearResult> Plants,
    [property: Id(6)] SolverDiagnostics? Diagnostics = null);
