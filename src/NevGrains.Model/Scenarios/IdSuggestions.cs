namespace NevGrains.Model.Scenarios;

/// <summary>
/// The tail of an "unknown id" message: the nearest valid id (a typo such as <c>bydd</c>) and, when there are few, the valid
/// choices. The echoed id is cut short, so a hostile megabyte id does not come back in the error.
/// </summary>
public static class IdSuggestions
{
    private const int MaxEcho = 40;
    private const int MaxListed = 40;

    /// <summary><c>unknown brand 'bydd'; did you mean 'byd'? (valid: byd, chery, ...)</c></summary>
    public static string Unknown(string what, string? id, IReadOnlyCollection<string> valid)
    {
        var shown = id is null ? "" : id.Length > MaxEcho ? id[..MaxEcho] + "..." : id;
        var message = $"unknown {what} '{shown}'";
        if (Nearest(id ?? "", valid) is { } nearest)
        {
            message += $"; did you mean '{nearest}'?";
        }
        if (valid.Count is > 0 and <= MaxListed)
        {
            message += $" (valid: {string.Join(", ", valid.Order(StringComparer.Ordinal))})";
        }
        return message;
    }

    /// <summary>The valid id closest in edit distance, if it is close enough to be a typo (at most a third of its letters).</summary>
    public static string? Nearest(string id, IEnumerable<string> valid)
    {
        if (id.Length == 0 || id.Length > 100)
        {
            return null;
        }
        var lowered = id.ToLowerInvariant();
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in valid)
        {
            var distance = Distance(lowered, candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }
        return best is not null && bestDistance <= Math.Max(1, best.Length / 3) ? best : null;
    }

    /// <summary>Levenshtein distance.</summary>
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
