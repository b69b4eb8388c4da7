using System.Collections.Immutable;

namespace NevGrains.Model.Data;

/// <summary>
/// One market (<c>markets/&lt;id&gt;.json</c>): its size and powertrain split in the base year, infrastructure,
/// taxes and incentives, and the competitor aggregates Chinese brands sell against.
/// </summary>
[GenerateSerializer, Immutable, Alias("nev.MarketData")]
public sealed record MarketData(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Country,
    [property: Id(3)] string Region,
    [property: Id(4)] string Currency,
    [property: Id(5)] DataPoint NewCarSales,
    [property: Id(6)] DataPoint BevShare,
    [property: Id(7)] DataPoint PhevShare,
    [property: Id(8)] DataPoint MarketGrowth,
    [property: Id(9)] DataPoint PublicChargers,
    [property: Id(10)] DataPoint ChargerGrowth,
    [property: Id(11)] DataPoint VatRate,
    [property: Id(12)] DataPoint PriceIndex,
    [property: Id(13)] ImmutableArray<CompetitorPresence> Competitors,
    [property: Id(14)] string? CustomsUnion = null,
    [property: Id(15)] ImmutableArray<PurchaseTax> PurchaseTaxes = default,
    [property: Id(16)] ImmutableArray<Incentive> Incentives = default,
    [property: Id(17)] ImmutableArray<OffsetRule> OffsetRules = default,
    [property: Id(18)] bool Aggregate = false,
    [property: Id(19)] string? Notes = null);

/// <summary>An excise or registration tax as a share of the pre-VAT price, for some powertrains, over a date range.</summary>
[GenerateSerializer, Immutable, Alias("nev.PurchaseTax")]
public sealed record PurchaseTax(
    [property: Id(0)] string Id,
    [property: Id(1)] ImmutableArray<Powertrain> Powertrains,
    [property: Id(2)] DataPoint Rate,
    [property: Id(3)] DateOnly ValidFrom,
    [property: Id(4)] DateOnly? ValidTo = null);

/// <summary>A purchase subsidy per vehicle in the market currency, with its eligibility rules.</summary>
[GenerateSerializer, Immutable, Alias("nev.Incentive")]
public sealed record Incentive(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] ImmutableArray<Powertrain> Powertrains,
    [property: Id(3)] DataPoint Amount,
    [property: Id(4)] DateOnly ValidFrom,
    [property: Id(5)] DateOnly? ValidTo = null,
    [property: Id(6)] DataPoint? MaxPrice = null,
    [property: Id(7)] double? MinBatteryKwh = null,
    [property: Id(8)] double? MaxBatteryKwh = null,
    [property: Id(9)] bool LocalOnly = false,
    [property: Id(10)] bool ChineseBrandsExcluded = false);

/// <summary>
/// A local-production obligation: from a date, a brand that imports under the scheme must build
/// <see cref="LocalUnitsPerImport"/> cars locally per imported car (Thailand EV3.5), or lose the import route.
/// </summary>
[GenerateSerializer, Immutable, Alias("nev.OffsetRule")]
public sealed record OffsetRule(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] DataPoint LocalUnitsPerImport,
    [property: Id(3)] DateOnly ValidFrom,
    [property: Id(4)] DateOnly? ValidTo = null,
    [property: Id(5)] ImmutableArray<string> Brands = default,
    [property: Id(6)] ImmutableArray<Powertrain> Powertrains = default);

/// <summary>A competitor aggregate (e.g. VW Group) present in a market, with one representative offer per powertrain.</summary>
[GenerateSerializer, Immutable, Alias("nev.CompetitorPresence")]
public sealed record CompetitorPresence(
    [property: Id(0)] string Competitor,
    [property: Id(1)] ImmutableArray<CompetitorOffer> Offers);

/// <summary>
/// A competitor's offer in one powertrain. Base-year units are either given (<see cref="Units"/>) or the competitor takes
/// <see cref="ResidualShare"/> of what the powertrain sold minus the units of everyone whose units are given.
/// </summary>
[GenerateSerializer, Immutable, Alias("nev.CompetitorOffer")]
public sealed record CompetitorOffer(
    [property: Id(0)] Powertrain Powertrain,
    [property: Id(1)] DataPoint Price,
    [property: Id(2)] DataPoint? RangeKm = null,
    [property: Id(3)] DataPoint? Units = null,
    [property: Id(4)] DataPoint? ResidualShare = null);
