namespace NevGrains.Cli.Reports;

/// <summary>
/// Display names for owner (brand or competitor) and market ids, e.g. from the catalog. Ids without a name are shown
/// as they are, short ids in capitals ("byd" is "BYD", "de" is "DE").
/// </summary>
public sealed class ReportNames(IReadOnlyDictionary<string, string>? owners = null, IReadOnlyDictionary<string, string>? markets = null)
{
    /// <summary>No names: ids only.</summary>
    public static ReportNames None { get; } = new();

    /// <summary>An owner's name; the empty owner of a metric means all Chinese brands.</summary>
    public string Owner(string id) =>
        string.IsNullOrEmpty(id) ? "Chinese brands" : owners?.GetValueOrDefault(id) ?? FromId(id);

    public string Market(string id) => markets?.GetValueOrDefault(id) ?? FromId(id);

    /// <summary>A list of markets for a title: "all markets", up to three names, or the ids.</summary>
    public string Markets(IReadOnlyList<string> ids) => ids.Count switch
    {
        0 => "all markets",
        <= 3 => string.Join(", ", ids.Select(Market)),
        <= 8 => string.Join("+", ids.Select(FromId)),
        _ => $"{ids.Count} markets",
    };

    private static string FromId(string id) => id.Length <= 4 ? id.ToUpperInvariant() : char.ToUpperInvariant(id[0]) + id[1..];
}
