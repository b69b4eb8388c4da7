using System.Collections.Immutable;
using NevGrains.Model.Data;

namespace NevGrains.Model.Engine;

/// <summary>
/// The dataset with markets, brands, plants, presences, competitors, tariff rules and freight lanes sorted by id, so the
/// engine's sums and solver paths run in one order whatever order the files list them in: a result cannot depend on it
/// (docs/model.md, section 12).
/// </summary>
internal static class CanonicalOrder
{
    public static Dataset Of(Dataset dataset) => dataset with
    {
        Markets = Sorted(dataset.Markets, m => m.Id, m => m with { Competitors = Sorted(m.Competitors, c => c.Competitor) }),
        Brands = Sorted(dataset.Brands, b => b.Id, b => b with { Plants = Sorted(b.Plants, p => p.Id), Markets = Sorted(b.Markets, p => p.Market) }),
        Competitors = Sorted(dataset.Competitors, c => c.Id),
        Tariffs = Sorted(dataset.Tariffs, t => t.Jurisdiction, t => t with { Rules = Sorted(t.Rules, r => r.Id) }),
        Freight = Sorted(dataset.Freight, f => f.From + "\n" + f.To),
    };

    private static ImmutableArray<T> Sorted<T>(ImmutableArray<T> items, Func<T, string> key, Func<T, T>? inner = null) =>
        items.IsDefault ? items : [.. items.OrderBy(key, StringComparer.Ordinal).Select(inner ?? (x => x))];
}
