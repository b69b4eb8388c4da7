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

    /// <summary>Whether one cell passes (for a single check; <see cref="Apply(ScenarioResult)"/> builds its lookup once per result).</summary>
    public bool KeepsCell(string owner, bool isCompetitor, string market, int year) => new Lookup(this).Cell(owner, isCompetitor, market, year);

    public ScenarioResult Apply(ScenarioResult result)
    {
        if (IsAll)
        {
            return result;
        }
        var keep = new Lookup(this);
        return result with
        {
            Cells = [.. result.Cells.Where(c => keep.Cell(c.Owner, c.IsCompetitor, c.Market, c.Year))],
            Markets = [.. result.Markets.Where(m => keep.Market(m.Market) && keep.Year(m.Year))],
            Brands = [.. result.Brands.Where(b => keep.Owner(b.Brand) && keep.Year(b.Year))],
            Plants = [.. result.Plants.Where(p => keep.Owner(p.Brand) && keep.Year(p.Year))],
        };
    }

    public Comparison Apply(Comparison comparison)
    {
        if (IsAll)
        {
            return comparison;
        }
        var keep = new Lookup(this);
        return comparison with { Cells = [.. comparison.Cells.Where(c => keep.Cell(c.Owner, c.IsCompetitor, c.Market, c.Year))] };
    }

    public Explanation Apply(Explanation explanation)
    {
        if (IsAll)
        {
            return explanation;
        }
        var keep = new Lookup(this);
        return explanation with { Cells = [.. explanation.Cells.Where(c => keep.Cell(c.Owner, c.IsCompetitor, c.Market, c.Year))] };
    }

    /// <summary>The filter's lists as sets, built once per result: a caller may send thousands of ids.</summary>
    private sealed class Lookup(ResultFilter filter)
    {
        private readonly HashSet<string>? _owners = filter.Owners.IsDefaultOrEmpty ? null : [.. filter.Owners];
        private readonly HashSet<string>? _markets = filter.Markets.IsDefaultOrEmpty ? null : [.. filter.Markets];
        private readonly HashSet<int>? _years = filter.Years.IsDefaultOrEmpty ? null : [.. filter.Years];

        public bool Owner(string owner) => _owners is null || _owners.Contains(owner);

        public bool Market(string market) => _markets is null || _markets.Contains(market);

        public bool Year(int year) => _years is null || _years.Contains(year);

        public bool Cell(string owner, bool isCompetitor, string market, int year) =>
            Owner(owner) && Market(market) && Year(year) && !(filter.BrandsOnly && isCompetitor);
    }
}
