using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace NevGrains.Model.Data;

/// <summary>
/// One Chinese brand (<c>brands/&lt;id&gt;.json</c>): its representative offers, its plants and its presence per market.
/// </summary>
[GenerateSerializer, Immutable, Alias("nev.BrandData")]
public sealed record BrandData(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Group,
    [property: Id(3)] string Origin,
    [property: Id(4)] ImmutableArray<BrandOffer> Offers,
    [property: Id(5)] ImmutableArray<Plant> Plants,
    [property: Id(6)] ImmutableArray<BrandMarket> Markets,
    [property: Id(7)] string? Notes = null);

/// <summary>A representative model per powertrain: the China retail price (incl. VAT) anchors its cost and export price.</summary>
[GenerateSerializer, Immutable, Alias("nev.BrandOffer")]
public sealed record BrandOffer(
    [property: Id(0)] Powertrain Powertrain,
    [property: Id(1)] string Model,
    [property: Id(2)] DataPoint HomePrice,
    [property: Id(3)] DataPoint RangeKm,
    [property: Id(4)] DataPoint BatteryKwh);

[JsonConverter(typeof(JsonStringEnumConverter<PlantStatus>))]
public enum PlantStatus
{
    [JsonStringEnumMemberName("operating")] Operating,
    [JsonStringEnumMemberName("ramping")] Ramping,
    [JsonStringEnumMemberName("planned")] Planned,
    [JsonStringEnumMemberName("halted")] Halted,
}

/// <summary>
/// A plant. <see cref="Capacity"/> gives the units it can build in each listed year (ramp included); between listed years
/// the last value holds. A plant located in a dataset market names it in <see cref="Market"/>; its cars are local builds there.
/// </summary>
[GenerateSerializer, Immutable, Alias("nev.Plant")]
public sealed record Plant(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Country,
    [property: Id(3)] string Region,
    [property: Id(4)] ImmutableArray<Powertrain> Powertrains,
    [property: Id(5)] PlantStatus Status,
    [property: Id(6)] DateOnly Start,
    [property: Id(7)] ImmutableArray<CapacityPoint> Capacity,
    [property: Id(8)] DataPoint UnitCostIndex,
    [property: Id(9)] string? Market = null,
    [property: Id(10)] DateOnly? End = null,
    [property: Id(11)] GoodsForm AssemblyMode = GoodsForm.Cbu,
    [property: Id(12)] ImmutableArray<YearValue> LocalContent = default,
    [property: Id(13)] ImmutableArray<string> ServesMarkets = default);

[GenerateSerializer, Immutable, Alias("nev.CapacityPoint")]
public sealed record CapacityPoint(
    [property: Id(0)] int Year,
    [property: Id(1)] DataPoint Units);

/// <summary>A value from a year on (a plan, a path), e.g. stores by end of year or local-content share.</summary>
[GenerateSerializer, Immutable, Alias("nev.YearValue")]
public sealed record YearValue(
    [property: Id(0)] int Year,
    [property: Id(1)] DataPoint Value);

/// <summary>A brand in one market: entry date, base-year sales by powertrain, channel and service footprint.</summary>
[GenerateSerializer, Immutable, Alias("nev.BrandMarket")]
public sealed record BrandMarket(
    [property: Id(0)] string Market,
    [property: Id(1)] DateOnly Entered,
    [property: Id(2)] ImmutableArray<BrandSales> Sales,
    [property: Id(3)] DataPoint? Stores = null,
    [property: Id(4)] DataPoint? ServicePoints = null,
    [property: Id(5)] DataPoint? SwapStations = null,
    [property: Id(6)] ImmutableArray<YearValue> StoresPlan = default,
    [property: Id(7)] ImmutableArray<YearValue> SwapStationsPlan = default,
    [property: Id(8)] ImmutableArray<BrandPrice> Prices = default);

[GenerateSerializer, Immutable, Alias("nev.BrandSales")]
public sealed record BrandSales(
    [property: Id(0)] Powertrain Powertrain,
    [property: Id(1)] DataPoint Units);

/// <summary>A known retail price (market currency, incl. VAT) overriding the price derived from the home price.</summary>
[GenerateSerializer, Immutable, Alias("nev.BrandPrice")]
public sealed record BrandPrice(
    [property: Id(0)] Powertrain Powertrain,
    [property: Id(1)] DataPoint Price);

/// <summary>A competitor aggregate (<c>competitors.json</c>): incumbents and non-Chinese importers.</summary>
[GenerateSerializer, Immutable, Alias("nev.CompetitorData")]
public sealed record CompetitorData(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Description);

/// <summary>Sea and land freight plus insurance per vehicle between two regions (<c>freight.json</c>).</summary>
[GenerateSerializer, Immutable, Alias("nev.FreightLane")]
public sealed record FreightLane(
    [property: Id(0)] string From,
    [property: Id(1)] string To,
    [property: Id(2)] DataPoint CostUsd);
