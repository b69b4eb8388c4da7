using System.Collections.Immutable;
using System.Text.Json.Serialization;
using NevGrains.Model.Data;

namespace NevGrains.Model.Scenarios;

/// <summary>
/// A scenario lever. Each kind is a record with its own fields; in JSON the kind is the "type" property.
/// Lists left empty mean "all" (all brands, all markets, all powertrains).
/// </summary>
[GenerateSerializer, Immutable, Alias("nev.Lever")]
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(TariffLever), "tariff")]
[JsonDerivedType(typeof(TariffRemovalLever), "tariffRemoval")]
[JsonDerivedType(typeof(PriceUndertakingLever), "priceUndertaking")]
[JsonDerivedType(typeof(TariffExemptionLever), "tariffExemption")]
[JsonDerivedType(typeof(EnrollmentLever), "enrollment")]
[JsonDerivedType(typeof(ExportRestrictionLever), "exportRestriction")]
[JsonDerivedType(typeof(OffsetRuleLever), "offsetRule")]
[JsonDerivedType(typeof(PriceLever), "price")]
[JsonDerivedType(typeof(PassThroughLever), "passThrough")]
[JsonDerivedType(typeof(IncentiveLever), "incentive")]
[JsonDerivedType(typeof(IncentiveRemovalLever), "incentiveRemoval")]
[JsonDerivedType(typeof(PurchaseTaxLever), "purchaseTax")]
[JsonDerivedType(typeof(BatteryCostLever), "batteryCost")]
[JsonDerivedType(typeof(OfferLever), "offer")]
[JsonDerivedType(typeof(PlantLever), "plant")]
[JsonDerivedType(typeof(NewPlantLever), "newPlant")]
[JsonDerivedType(typeof(StoresLever), "stores")]
[JsonDerivedType(typeof(MarketEntryLever), "marketEntry")]
[JsonDerivedType(typeof(MarketExitLever), "marketExit")]
[JsonDerivedType(typeof(ChargersLever), "chargers")]
[JsonDerivedType(typeof(SwapStationsLever), "swapStations")]
[JsonDerivedType(typeof(DemandShockLever), "demandShock")]
[JsonDerivedType(typeof(MarketGrowthLever), "marketGrowth")]
[JsonDerivedType(typeof(PreferenceLever), "preference")]
[JsonDerivedType(typeof(CompetitorPriceLever), "competitorPrice")]
[JsonDerivedType(typeof(CompetitorResponseLever), "competitorResponse")]
public abstract record Lever
{
    /// <summary>An optional label, echoed in errors and explanations.</summary>
    [Id(0)] public string? Label { get; init; }

    [JsonIgnore]
    public abstract Driver Driver { get; }

    /// <summary>The lever's kind as the API and scenario files name it (<c>tariff</c>, <c>newPlant</c>): the step in an issue's field path.</summary>
    [JsonIgnore]
    public string Kind => Kinds[GetType()];

    private static readonly IReadOnlyDictionary<Type, string> Kinds = typeof(Lever)
        .GetCustomAttributes(typeof(JsonDerivedTypeAttribute), inherit: false)
        .Cast<JsonDerivedTypeAttribute>()
        .ToDictionary(a => a.DerivedType, a => (string)a.TypeDiscriminator!);
}

/// <summary>An import duty from a date: added on top (mode add) or replacing every duty the jurisdiction charges on those cars (mode replace).</summary>
[GenerateSerializer, Immutable, Alias("nev.TariffLever")]
public sealed record TariffLever(
    [property: Id(0)] string Jurisdiction,
    [property: Id(1)] double Rate,
    [property: Id(2)] DateOnly From,
    [property: Id(3)] DateOnly? To = null,
    [property: Id(4)] ImmutableArray<string> Origins = default,
    [property: Id(5)] ImmutableArray<string> Brands = default,
    [property: Id(6)] ImmutableArray<Powertrain> Powertrains = default,
    [property: Id(7)] double? MinPerUnitUsd = null,
    [property: Id(8)] TariffMode Mode = TariffMode.Add,
    [property: Id(9)] GoodsForm Goods = GoodsForm.Cbu) : Lever
{
    public override Driver Driver => Driver.Tariff;
}

[JsonConverter(typeof(JsonStringEnumConverter<TariffMode>))]
public enum TariffMode
{
    [JsonStringEnumMemberName("add")] Add,
    [JsonStringEnumMemberName("replace")] Replace,
}

/// <summary>Lifts one rule group of a jurisdiction (e.g. "eu-cvd") from a date, for all brands or the listed ones.</summary>
[GenerateSerializer, Immutable, Alias("nev.TariffRemovalLever")]
public sealed record TariffRemovalLever(
    [property: Id(0)] string Jurisdiction,
    [property: Id(1)] string Group,
    [property: Id(2)] DateOnly From,
    [property: Id(3)] ImmutableArray<string> Brands = default) : Lever
{
    public override Driver Driver => Driver.Tariff;
}

/// <summary>
/// An EU-style price undertaking: from a date the brand's countervailing duty is replaced by a minimum import price,
/// within a yearly quota; imports beyond the quota pay the duty again.
/// </summary>
[GenerateSerializer, Immutable, Alias("nev.PriceUndertakingLever")]
public sealed record PriceUndertakingLever(
    [property: Id(0)] string Jurisdiction,
    [property: Id(1)] string Brand,
    [property: Id(2)] double MinImportPriceUsd,
    [property: Id(3)] DateOnly From,
    [property: Id(4)] DateOnly? To = null,
    [property: Id(5)] double? QuotaUnits = null,
    [property: Id(6)] ImmutableArray<Powertrain> Powertrains = default) : Lever
{
    public override Driver Driver => Driver.Tariff;
}

/// <summary>Grants (exempt true) or revokes (exempt false) a brand's exemption from a rule group, e.g. BYD's local-producer status in Turkey.</summary>
[GenerateSerializer, Immutable, Alias("nev.TariffExemptionLever")]
public sealed record TariffExemptionLever(
    [property: Id(0)] string Jurisdiction,
    [property: Id(1)] string Brand,
    [property: Id(2)] bool Exempt,
    [property: Id(3)] DateOnly From,
    [property: Id(4)] string? Group = null) : Lever
{
    public override Driver Driver => Driver.Tariff;
}

/// <summary>Enrols a brand in a rule that requires enrolment (India's 15% investment-linked route).</summary>
[GenerateSerializer, Immutable, Alias("nev.EnrollmentLever")]
public sealed record EnrollmentLever(
    [property: Id(0)] string Jurisdiction,
    [property: Id(1)] string Brand,
    [property: Id(2)] string Rule,
    [property: Id(3)] DateOnly From) : Lever
{
    public override Driver Driver => Driver.Tariff;
}

/// <summary>China's export licensing or a destination ban: a cost per car and/or a yearly cap on China-built exports.</summary>
[GenerateSerializer, Immutable, Alias("nev.ExportRestrictionLever")]
public sealed record ExportRestrictionLever(
    [property: Id(0)] DateOnly From,
    [property: Id(1)] DateOnly? To = null,
    [property: Id(2)] ImmutableArray<string> Brands = default,
    [property: Id(3)] ImmutableArray<string> Markets = default,
    [property: Id(4)] ImmutableArray<Powertrain> Powertrains = default,
    [property: Id(5)] double CostPerVehicleUsd = 0,
    [property: Id(6)] double? CapUnits = null) : Lever
{
    public override Driver Driver => Driver.Tariff;

    /// <summary>Whether the restriction reaches a brand's China-built cars of a powertrain sold in a market (BEVs only by default).</summary>
    public bool Covers(string brand, string market, Powertrain powertrain) =>
        (Brands.IsDefaultOrEmpty || Brands.Contains(brand))
        && (Markets.IsDefaultOrEmpty || Markets.Contains(market))
        && (Powertrains.IsDefaultOrEmpty ? powertrain == Powertrain.Bev : Powertrains.Contains(powertrain));
}

/// <summary>A local-production offset ratio from a date (Thailand EV3.5: 2 local cars per import in 2026, 3 in 2027).</summary>
[GenerateSerializer, Immutable, Alias("nev.OffsetRuleLever")]
public sealed record OffsetRuleLever(
    [property: Id(0)] string Market,
    [property: Id(1)] double LocalUnitsPerImport,
    [property: Id(2)] DateOnly From,
    [property: Id(3)] DateOnly? To = null,
    [property: Id(4)] ImmutableArray<string> Brands = default) : Lever
{
    public override Driver Driver => Driver.Tariff;
}

/// <summary>A relative retail price change from a year (-0.1 = a 10% cut).</summary>
[GenerateSerializer, Immutable, Alias("nev.PriceLever")]
public sealed record PriceLever(
    [property: Id(0)] string Brand,
    [property: Id(1)] double Change,
    [property: Id(2)] int FromYear,
    [property: Id(3)] ImmutableArray<string> Markets = default,
    [property: Id(4)] ImmutableArray<Powertrain> Powertrains = default) : Lever
{
    public override Driver Driver => Driver.Price;
}

/// <summary>Sets the tariff and cost pass-through for some brands and markets from a year.</summary>
[GenerateSerializer, Immutable, Alias("nev.PassThroughLever")]
public sealed record PassThroughLever(
    [property: Id(0)] double Value,
    [property: Id(1)] int FromYear,
    [property: Id(2)] ImmutableArray<string> Brands = default,
    [property: Id(3)] ImmutableArray<string> Markets = default) : Lever
{
    public override Driver Driver => Driver.Price;
}

/// <summary>Adds a purchase subsidy to a market.</summary>
[GenerateSerializer, Immutable, Alias("nev.IncentiveLever")]
public sealed record IncentiveLever(
    [property: Id(0)] string Market,
    [property: Id(1)] Incentive Incentive) : Lever
{
    public override Driver Driver => Driver.Price;
}

/// <summary>Ends a market's subsidy early.</summary>
[GenerateSerializer, Immutable, Alias("nev.IncentiveRemovalLever")]
public sealed record IncentiveRemovalLever(
    [property: Id(0)] string Market,
    [property: Id(1)] string Incentive,
    [property: Id(2)] DateOnly From) : Lever
{
    public override Driver Driver => Driver.Price;
}

/// <summary>An excise or registration tax (share of the pre-VAT price) replacing the market's own for these powertrains.</summary>
[GenerateSerializer, Immutable, Alias("nev.PurchaseTaxLever")]
public sealed record PurchaseTaxLever(
    [property: Id(0)] string Market,
    [property: Id(1)] double Rate,
    [property: Id(2)] DateOnly From,
    [property: Id(3)] DateOnly? To = null,
    [property: Id(4)] ImmutableArray<Powertrain> Powertrains = default) : Lever
{
    public override Driver Driver => Driver.Price;
}

/// <summary>The battery pack price from a year on (USD/kWh), replacing the baseline trend; NEV unit costs follow.</summary>
[GenerateSerializer, Immutable, Alias("nev.BatteryCostLever")]
public sealed record BatteryCostLever(
    [property: Id(0)] int FromYear,
    [property: Id(1)] double PackPriceUsdPerKwh) : Lever
{
    public override Driver Driver => Driver.Price;
}

/// <summary>
/// Changes or adds a brand's representative offer from a year, in some markets or all: a cheaper model for South-East Asia,
/// more range for Europe, an EREV where power is unstable.
/// </summary>
[GenerateSerializer, Immutable, Alias("nev.OfferLever")]
public sealed record OfferLever(
    [property: Id(0)] string Brand,
    [property: Id(1)] Powertrain Powertrain,
    [property: Id(2)] int FromYear,
    [property: Id(3)] ImmutableArray<string> Markets = default,
    [property: Id(4)] double? HomePriceCny = null,
    [property: Id(5)] double? RangeKm = null,
    [property: Id(6)] double? BatteryKwh = null) : Lever
{
    public override Driver Driver => Driver.Price;
}

/// <summary>Changes a plant: start later, scale or override capacity, halt, or change local content.</summary>
[GenerateSerializer, Immutable, Alias("nev.PlantLever")]
public sealed record PlantLever(
    [property: Id(0)] string Plant,
    [property: Id(1)] int StartDelayMonths = 0,
    [property: Id(2)] double CapacityScale = PlantLever.DefaultCapacityScale,
    [property: Id(3)] ImmutableArray<YearAmount> Capacity = default,
    [property: Id(4)] DateOnly? HaltFrom = null,
    [property: Id(5)] ImmutableArray<YearAmount> LocalContent = default,
    [property: Id(6)] ImmutableArray<Powertrain> Powertrains = default) : Lever
{
    /// <summary>Capacity as planned; also what an API caller who leaves the field unset (0) gets.</summary>
    public const double DefaultCapacityScale = 1;

    public override Driver Driver => Driver.PlantRoute;
}

/// <summary>A year and an amount, for capacity paths and local-content paths in levers.</summary>
[GenerateSerializer, Immutable, Alias("nev.YearAmount")]
public sealed record YearAmount([property: Id(0)] int Year, [property: Id(1)] double Value);

/// <summary>A plant the baseline does not have (XPeng's Egyptian hub), given in full.</summary>
[GenerateSerializer, Immutable, Alias("nev.NewPlantLever")]
public sealed record NewPlantLever(
    [property: Id(0)] string Brand,
    [property: Id(1)] string Id,
    [property: Id(2)] string Country,
    [property: Id(3)] string Region,
    [property: Id(4)] DateOnly Start,
    [property: Id(5)] ImmutableArray<YearAmount> Capacity,
    [property: Id(6)] string? Market = null,
    [property: Id(7)] ImmutableArray<Powertrain> Powertrains = default,
    [property: Id(8)] double UnitCostIndex = NewPlantLever.DefaultUnitCostIndex,
    [property: Id(9)] GoodsForm AssemblyMode = GoodsForm.Cbu,
    [property: Id(10)] ImmutableArray<YearAmount> LocalContent = default,
    [property: Id(11)] ImmutableArray<string> ServesMarkets = default,
    [property: Id(12)] string? Name = null) : Lever
{
    /// <summary>A new plant's cost per car against the brand's China plants: an assumed 15% overseas premium (docs/scenarios.md, newPlant; range 0.3-5).</summary>
    public const double DefaultUnitCostIndex = 1.15;

    public override Driver Driver => Driver.PlantRoute;
}

/// <summary>Stores and/or service sites a brand reaches in a market by the end of a year (linear from the baseline path).</summary>
[GenerateSerializer, Immutable, Alias("nev.StoresLever")]
public sealed record StoresLever(
    [property: Id(0)] string Brand,
    [property: Id(1)] string Market,
    [property: Id(2)] int Year,
    [property: Id(3)] double? Stores = null,
    [property: Id(4)] double? ServicePoints = null) : Lever
{
    public override Driver Driver => Driver.Channel;
}

/// <summary>A brand enters a market on a date with a network; its constant comes from the markets it already serves.</summary>
[GenerateSerializer, Immutable, Alias("nev.MarketEntryLever")]
public sealed record MarketEntryLever(
    [property: Id(0)] string Brand,
    [property: Id(1)] string Market,
    [property: Id(2)] DateOnly Entered,
    [property: Id(3)] double Stores,
    [property: Id(4)] double? ServicePoints = null,
    [property: Id(5)] double? SwapStations = null,
    [property: Id(6)] ImmutableArray<Powertrain> Powertrains = default) : Lever
{
    public override Driver Driver => Driver.Channel;
}

/// <summary>A brand leaves a market from a date.</summary>
[GenerateSerializer, Immutable, Alias("nev.MarketExitLever")]
public sealed record MarketExitLever(
    [property: Id(0)] string Brand,
    [property: Id(1)] string Market,
    [property: Id(2)] DateOnly From) : Lever
{
    public override Driver Driver => Driver.Channel;
}

/// <summary>Public chargers in a market: a level by the end of a year and/or a new yearly growth rate from that year.</summary>
[GenerateSerializer, Immutable, Alias("nev.ChargersLever")]
public sealed record ChargersLever(
    [property: Id(0)] string Market,
    [property: Id(1)] int Year,
    [property: Id(2)] double? Points = null,
    [property: Id(3)] double? Growth = null) : Lever
{
    public override Driver Driver => Driver.Infrastructure;
}

/// <summary>A brand's battery-swap stations in a market by the end of a year (NIO's network).</summary>
[GenerateSerializer, Immutable, Alias("nev.SwapStationsLever")]
public sealed record SwapStationsLever(
    [property: Id(0)] string Brand,
    [property: Id(1)] string Market,
    [property: Id(2)] int Year,
    [property: Id(3)] double Stations) : Lever
{
    public override Driver Driver => Driver.Infrastructure;
}

/// <summary>A one-off change of a market's size in a year that persists (Thailand's -26% in 2024 was one).</summary>
[GenerateSerializer, Immutable, Alias("nev.DemandShockLever")]
public sealed record DemandShockLever(
    [property: Id(0)] int Year,
    [property: Id(1)] double Shock,
    [property: Id(2)] ImmutableArray<string> Markets = default) : Lever
{
    public override Driver Driver => Driver.Demand;
}

/// <summary>A market's yearly growth rate from a year on.</summary>
[GenerateSerializer, Immutable, Alias("nev.MarketGrowthLever")]
public sealed record MarketGrowthLever(
    [property: Id(0)] int FromYear,
    [property: Id(1)] double Growth,
    [property: Id(2)] ImmutableArray<string> Markets = default) : Lever
{
    public override Driver Driver => Driver.Demand;
}

/// <summary>
/// Buyers' preference for a powertrain: a utility shift from a year, changing by <see cref="YearlyChange"/> every year after
/// (a fading preference for petrol cars is a positive shift on OTHER that shrinks).
/// </summary>
[GenerateSerializer, Immutable, Alias("nev.PreferenceLever")]
public sealed record PreferenceLever(
    [property: Id(0)] Powertrain Powertrain,
    [property: Id(1)] double Shift,
    [property: Id(2)] int FromYear,
    [property: Id(3)] double YearlyChange = 0,
    [property: Id(4)] ImmutableArray<string> Markets = default) : Lever
{
    public override Driver Driver => Driver.Demand;
}

/// <summary>Competitors change their prices from a year (-0.05 = a 5% cut).</summary>
[GenerateSerializer, Immutable, Alias("nev.CompetitorPriceLever")]
public sealed record CompetitorPriceLever(
    [property: Id(0)] double Change,
    [property: Id(1)] int FromYear,
    [property: Id(2)] ImmutableArray<string> Competitors = default,
    [property: Id(3)] ImmutableArray<string> Markets = default,
    [property: Id(4)] ImmutableArray<Powertrain> Powertrains = default) : Lever
{
    public override Driver Driver => Driver.Competitor;
}

/// <summary>How much of the Chinese brands' price moves competitors match, from a year.</summary>
[GenerateSerializer, Immutable, Alias("nev.CompetitorResponseLever")]
public sealed record CompetitorResponseLever(
    [property: Id(0)] double Share,
    [property: Id(1)] int FromYear,
    [property: Id(2)] ImmutableArray<string> Markets = default) : Lever
{
    public override Driver Driver => Driver.Competitor;
}
