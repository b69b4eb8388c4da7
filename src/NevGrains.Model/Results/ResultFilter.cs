using System.Collections.Immutable;
using NevGrains.Model.Data;
using NevGrains.Model.Engine;
using NevGrains.Model.Scenarios;

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

    /// <summary>
    /// Issues for ids the dataset does not know and years outside the run (<c>filter.owners[0]</c>, <c>filter.years[1]</c>), so a
    /// typo is an error rather than an empty answer. At most <paramref name="maxIssues"/> are listed.
    /// </summary>
    public IReadOnlyList<ScenarioIssue> Validate(CompiledBaseline compiled, int horizon, int maxIssues = 20)
    {
        var issues = new List<ScenarioIssue>();
        void Add(string field, string message)
        {
            if (issues.Count < maxIssues)
            {
                issues.Add(new ScenarioIssue(field, message, OfRequest: true));
            }
        }
        var owners = Owners.OrEmpty();
        for (var i = 0; i < owners.Length; i++)
        {
            if (!compiled.BrandIndex.ContainsKey(owners[i] ?? "") && !compiled.CompetitorIndex.ContainsKey(owners[i] ?? ""))
            {
                Add($"filter.owners[{i}]", IdSuggestions.Unknown("brand or competitor", owners[i], [.. compiled.BrandIndex.Keys, .. compiled.CompetitorIndex.Keys]));
            }
        }
        var markets = Markets.OrEmpty();
        for (var i = 0; i < markets.Length; i++)
        {
            if (!compiled.MarketIndex.ContainsKey(markets[i] ?? ""))
            {
                Add($"filter.markets[{i}]", IdSuggestions.Unknown("market", markets[i], compiled.MarketIndex.Keys));
            }
        }
        var years = Years.OrEmpty();
        for (var i = 0; i < years.Length; i++)
        {
            if (years[i] < compiled.BaseYear || years[i] > horizon)
            {
                Add($"filter.years[{i}]", $"{years[i]} is outside the run's years {compiled.BaseYear}..{horizon}");
            }
        }
        return issues;
    }

    /// <summary>Throws <see cref="ScenarioException"/> naming the filter's unknown ids and years.</summary>
    public void EnsureValid(CompiledBaseline compiled, int horizon)
    {
        var issues = Validate(compiled, horizon);
        if (issues.Count > 0)
        {
            throw new ScenarioException(issues);
        }
    }

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
