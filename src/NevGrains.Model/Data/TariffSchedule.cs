using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace NevGrains.Model.Data;

/// <summary><c>tariffs/&lt;jurisdiction&gt;.json</c>: the import rules of one market or customs union.</summary>
[GenerateSerializer, Immutable, Alias("nev.TariffSchedule")]
public sealed record TariffSchedule(
    [property: Id(0)] string Jurisdiction,
    [property: Id(1)] ImmutableArray<TariffRule> Rules);

[JsonConverter(typeof(JsonStringEnumConverter<TariffKind>))]
public enum TariffKind
{
    /// <summary>The most-favoured-nation or general duty.</summary>
    [JsonStringEnumMemberName("mfn")] Mfn,
    /// <summary>Anti-subsidy duty, usually company specific (EU CVD).</summary>
    [JsonStringEnumMemberName("countervailing")] Countervailing,
    /// <summary>A surcharge on top of the general duty (Turkey, Mexico).</summary>
    [JsonStringEnumMemberName("additional")] Additional,
    /// <summary>A reduced or zero rate replacing the general duty for eligible goods (FTA, investment-linked routes).</summary>
    [JsonStringEnumMemberName("preferential")] Preferential,
}

[JsonConverter(typeof(JsonStringEnumConverter<GoodsForm>))]
public enum GoodsForm
{
    /// <summary>Completely built-up vehicles.</summary>
    [JsonStringEnumMemberName("CBU")] Cbu,
    /// <summary>Semi-knocked-down kits assembled in the market.</summary>
    [JsonStringEnumMemberName("SKD")] Skd,
    /// <summary>Completely-knocked-down kits.</summary>
    [JsonStringEnumMemberName("CKD")] Ckd,
}

/// <summary>
/// One import rule. Rules of the same <see cref="Group"/> are alternatives: the most specific applicable one
/// (brand-listed before all-brands; inside its quota before outside) is charged. Rules of different groups stack.
/// The duty is max(ad valorem x customs value, minimum per unit).
/// </summary>
[GenerateSerializer, Immutable, Alias("nev.TariffRule")]
public sealed record TariffRule(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] TariffKind Kind,
    [property: Id(3)] string Group,
    [property: Id(4)] ImmutableArray<string> Origins,
    [property: Id(5)] ImmutableArray<Powertrain> Powertrains,
    [property: Id(6)] DataPoint AdValorem,
    [property: Id(7)] DateOnly ValidFrom,
    [property: Id(8)] DateOnly? ValidTo = null,
    [property: Id(9)] GoodsForm Goods = GoodsForm.Cbu,
    [property: Id(10)] ImmutableArray<string> OriginsExcept = default,
    [property: Id(11)] ImmutableArray<string> Brands = default,
    [property: Id(12)] DataPoint? MinPerUnitUsd = null,
    [property: Id(13)] DataPoint? MinCustomsValueUsd = null,
    [property: Id(14)] DataPoint? QuotaUnits = null,
    [property: Id(15)] DataPoint? QuotaValueUsd = null,
    [property: Id(16)] bool RequiresEnrollment = false,
    [property: Id(17)] ImmutableArray<TariffExemption> Exemptions = default,
    [property: Id(18)] DataPoint? MinImportPriceUsd = null);

/// <summary>A brand that does not pay a rule, and why (e.g. BYD's local-producer status in Turkey).</summary>
[GenerateSerializer, Immutable, Alias("nev.TariffExemption")]
public sealed record TariffExemption(
    [property: Id(0)] string Brand,
    [property: Id(1)] string Reason,
    [property: Id(2)] string Source);
