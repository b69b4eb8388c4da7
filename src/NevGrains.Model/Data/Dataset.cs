using System.Collections.Immutable;

namespace NevGrains.Model.Data;

/// <summary>The whole baseline: every file of <c>data/baseline/</c> in one immutable value.</summary>
[GenerateSerializer, Immutable, Alias("nev.Dataset")]
public sealed record Dataset(
    [property: Id(0)] DatasetManifest Manifest,
    [property: Id(1)] ImmutableArray<SourceEntry> Sources,
    [property: Id(2)] ImmutableArray<MarketData> Markets,
    [property: Id(3)] ImmutableArray<BrandData> Brands,
    [property: Id(4)] ImmutableArray<CompetitorData> Competitors,
    [property: Id(5)] ImmutableArray<TariffSchedule> Tariffs,
    [property: Id(6)] ImmutableArray<FreightLane> Freight)
{
    public string Version => Manifest.DatasetVersion;

    public MarketData? FindMarket(string id) => Find(Markets, m => m.Id, id);

    public BrandData? FindBrand(string id) => Find(Brands, b => b.Id, id);

    public Dataset WithMarket(MarketData market) => this with { Markets = Replace(Markets, m => m.Id, market) };

    public Dataset WithBrand(BrandData brand) => this with { Brands = Replace(Brands, b => b.Id, brand) };

    private static T? Find<T>(ImmutableArray<T> items, Func<T, string> key, string id) where T : class
    {
        foreach (var item in items)
        {
            if (string.Equals(key(item), id, StringComparison.OrdinalIgnoreCase))
            {
                return item;
            }
        }
        return null;
    }

    private static ImmutableArray<T> Replace<T>(ImmutableArray<T> items, Func<T, string> key, T replacement)
    {
        var id = key(replacement);
        var index = -1;
        for (var i = 0; i < items.Length; i++)
        {
            if (string.Equals(key(items[i]), id, StringComparison.OrdinalIgnoreCase))
            {
                index = i;
                break;
            }
        }
        return index < 0 ? items.Add(replacement) : items.SetItem(index, replacement);
    }
}

public static class ImmutableArrayExtensions
{
    /// <summary>Absent JSON arrays deserialize to default; treat them as empty everywhere.</summary>
    public static ImmutableArray<T> OrEmpty<T>(this ImmutableArray<T> items) => items.IsDefault ? [] : items;
}
