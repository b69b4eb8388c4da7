using System.Collections.Immutable;

namespace NevGrains.Model.Scenarios;

/// <summary>
/// A what-if: typed, dated levers applied to the baseline, an optional horizon (default: the dataset's) and
/// parameter overrides by name. The base scenario has no levers.
/// </summary>
[GenerateSerializer, Immutable, Alias("nev.Scenario")]
public sealed record Scenario(
    [property: Id(0)] string Name,
    [property: Id(1)] ImmutableArray<Lever> Levers = default,
    [property: Id(2)] int? Horizon = null,
    [property: Id(3)] ImmutableDictionary<string, double>? Parameters = null,
    [property: Id(4)] string? Description = null)
{
    public static Scenario Base(int? horizon = null) => new("base", [], horizon);

    public ImmutableArray<Lever> LeverList => Levers.IsDefault ? [] : Levers;

    /// <summary>The same scenario keeping only the levers of the given drivers (used by the explanation).</summary>
    public Scenario OnlyDrivers(IReadOnlySet<Driver> drivers) =>
        this with { Levers = [.. LeverList.Where(l => drivers.Contains(l.Driver))] };
}

/// <summary>What a lever acts through; explanations decompose a scenario's change by these.</summary>
public enum Driver
{
    Tariff,
    Price,
    PlantRoute,
    Channel,
    Infrastructure,
    Demand,
    Competitor,
}
