using System.Collections.Immutable;

namespace NevGrains.Model.Results;

/// <summary>
/// Which part of a result a caller wants: owners, markets and years (empty: all), and whether competitors' cells are left out.
/// It travels with the request and is applied where the result is computed, so only the wanted cells cross the wire.
/// A run's solver diagnostics are never filtered: a year's solve starts from the years before it.
/// </summary>
[GenerateSerializer, Immutable, Alias("nev.ResultFilter")]
public sealed record ResultFilter(
    [property: Id(0)] ImmutableArray<string> Owners,
    [property: Id(1)] ImmutableArray<string> Markets,
    [property: Id(2)] ImmutableArray<int> Years,
    [property: Id(3)] bool BrandsOnly = false)
{
    public static readonly ResultFilter All = new([], [], []);

    public bool IsAll => Owners.IsDefaultOrEmpty && Markets.IsDefaultOrEmpty && Years.IsDefaultOrEmpty && !BrandsOnly;

    public bool KeepsOwner(string owner) => Owners.IsDefaultOrEmpty || Owners.Contains(owner);

    public bool KeepsMarket(string market) => Markets.IsDefaultOrEmpty || Markets.Contains(market);

    public bool KeepsYear(int year) => Years.IsDefaultOrEmpty || Years.Contains(year);

    public bool KeepsCell(string owner, bool isCompetitor, string market, int year) =>
        KeepsOwner(owner) && KeepsMarket(market) && KeepsYear(year) && !(BrandsOnly && isCompetitor);

    public ScenarioResult Apply(ScenarioResult result) => IsAll ? result : result with
    {
        Cells = [.. result.Cells.Where(c => KeepsCell(c.Owner, c.IsCompetitor, c.Market, c.Year))],
        Markets = [.. result.Markets.Where(m => KeepsMarket(m.Market) && KeepsYear(m.Year))],
        Brands = [.. result.Brands.Where(b => KeepsOwner(b.Brand) && KeepsYear(b.Year))],
        Plants = [.. result.Plants.Where(p => KeepsOwner(p.Brand) && KeepsYear(p.Year))],
    };

    public Comparison Apply(Comparison comparison) => IsAll ? comparison : comparison with
    {
        Cells = [.. comparison.Cells.Where(c => KeepsCell(c.Owner, c.IsCompetitor, c.Market, c.Year))],
    };

    public Explanation Apply(Explanation explanation) => IsAll ? explanation : explanation with
    {
        Cells = [.. explanation.Cells.Where(c => KeepsCell(c.Owner, c.IsCompetitor, c.Market, c.Year))],
    };
}
