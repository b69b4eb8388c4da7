using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace NevGrains.Model.Data;

/// <summary><c>dataset.json</c>: the version, the years and the reference lists every other file refers to.</summary>
[GenerateSerializer, Immutable, Alias("nev.DatasetManifest")]
public sealed record DatasetManifest(
    [property: Id(0)] string DatasetVersion,
    [property: Id(1)] int BaseYear,
    [property: Id(2)] int DefaultHorizon,
    [property: Id(3)] int MaxHorizon,
    [property: Id(4)] string Description,
    [property: Id(5)] ImmutableArray<CurrencyRate> Currencies,
    [property: Id(6)] ImmutableArray<RegionEntry> Regions,
    [property: Id(7)] ImmutableArray<CustomsUnion> CustomsUnions,
    [property: Id(8)] ImmutableArray<CalibrationTarget> CalibrationTargets,
    [property: Id(9)] ImmutableArray<SourceConflict> Conflicts);

/// <summary>US dollars per unit of a currency: all money in the model is converted to USD with these rates.</summary>
[GenerateSerializer, Immutable, Alias("nev.CurrencyRate")]
public sealed record CurrencyRate(
    [property: Id(0)] string Code,
    [property: Id(1)] DataPoint UsdPerUnit);

/// <summary>A shipping region; freight lanes connect regions.</summary>
[GenerateSerializer, Immutable, Alias("nev.RegionEntry")]
public sealed record RegionEntry(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name);

/// <summary>A customs union whose tariff schedule applies to every member market; members are ISO country codes.</summary>
[GenerateSerializer, Immutable, Alias("nev.CustomsUnion")]
public sealed record CustomsUnion(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] ImmutableArray<string> Members);

[JsonConverter(typeof(JsonStringEnumConverter<CalibrationMetric>))]
public enum CalibrationMetric
{
    /// <summary>Units sold in the base year by a brand (or by all Chinese brands) in the listed markets.</summary>
    [JsonStringEnumMemberName("units")] Units,
    /// <summary>Units built in China and sold abroad in the base year, all Chinese brands together unless a brand is named.</summary>
    [JsonStringEnumMemberName("chinaBuiltExports")] ChinaBuiltExports,
}

[JsonConverter(typeof(JsonStringEnumConverter<TargetComparison>))]
public enum TargetComparison
{
    /// <summary>The model must be within the tolerance of the value.</summary>
    [JsonStringEnumMemberName("equal")] Equal,
    /// <summary>The source gives a lower bound ("over 67,000"): the model must not fall below it by more than the tolerance.</summary>
    [JsonStringEnumMemberName("atLeast")] AtLeast,
}

/// <summary>A base-year figure the calibrated model must reproduce within <see cref="Tolerance"/> (relative).</summary>
[GenerateSerializer, Immutable, Alias("nev.CalibrationTarget")]
public sealed record CalibrationTarget(
    [property: Id(0)] string Id,
    [property: Id(1)] string Description,
    [property: Id(2)] CalibrationMetric Metric,
    [property: Id(3)] DataPoint Value,
    [property: Id(4)] double Tolerance,
    [property: Id(5)] string? Brand = null,
    [property: Id(6)] ImmutableArray<string> Markets = default,
    [property: Id(7)] ImmutableArray<Powertrain> Powertrains = default,
    [property: Id(8)] TargetComparison Comparison = TargetComparison.Equal);

/// <summary>Where sources disagree on one quantity: every value, which one the dataset uses and for what.</summary>
[GenerateSerializer, Immutable, Alias("nev.SourceConflict")]
public sealed record SourceConflict(
    [property: Id(0)] string Id,
    [property: Id(1)] string Topic,
    [property: Id(2)] ImmutableArray<DataAlternative> Values,
    [property: Id(3)] string Used,
    [property: Id(4)] string UsedFor);
