using System.Collections.Immutable;
using NevGrains.Model.Results;

namespace NevGrains.Contracts.Scenarios;

/// <summary>A market under a scenario: its yearly totals and every alternative's cells.</summary>
[GenerateSerializer, Immutable, Alias("nev.MarketProjection")]
public sealed record MarketProjection(
    [property: Id(0)] string Market,
    [property: Id(1)] string Scenario,
    [property: Id(2)] string DatasetVersion,
    [property: Id(3)] ImmutableArray<MarketYearResult> Years,
    [property: Id(4)] ImmutableArray<CellResult> Cells);

/// <summary>A brand under a scenario: its yearly totals, its cells in every market, and its plants.</summary>
[GenerateSerializer, Immutable, Alias("nev.BrandReport")]
public sealed record BrandReport(
    [property: Id(0)] string Brand,
    [property: Id(1)] string Scenario,
    [property: Id(2)] string DatasetVersion,
    [property: Id(3)] ImmutableArray<BrandYearResult> Years,
    [property: Id(4)] ImmutableArray<CellResult> Cells,
    [property: Id(5)] ImmutableArray<PlantYearResult> Plants);
