using System.Globalization;
using System.Text;
using NevGrains.Model.Parameters;

namespace NevGrains.Cli.Reports;

/// <summary>How a sweep axis or a tornado parameter is named on a chart, and how its values are written.</summary>
/// <param name="Name">Short, for legends and tables: "Cost pass-through, Europe", "Minimum import price".</param>
/// <param name="Axis">Full, for an axis: "BYD price undertaking: minimum import price (USD)".</param>
public sealed record TargetLabel(string Name, string Axis, ValueFormat Format)
{
    /// <summary>The name inside a title: first letter lower-case unless it starts an acronym ("BEV adoption ceiling").</summary>
    public string InSentence => Name.Length > 1 && char.IsUpper(Name[0]) && !char.IsUpper(Name[1]) ? char.ToLowerInvariant(Name[0]) + Name[1..] : Name;
}

/// <summary>
/// Human labels for the ids analysts write in files: model parameters (from <see cref="ParameterCatalog"/>) and lever fields
/// (<c>levers[0].minImportPriceUsd</c>, with the lever's own label). Ids the catalog or scenario does not know are shown as written.
/// </summary>
internal static class TargetLabels
{
    private const string ParameterPrefix = "parameter:";

    /// <summary>A parameter's label from the catalog ("Cost pass-through, Europe"), or the name as given.</summary>
    public static string Parameter(string name) => ParameterCatalog.TryGet(name, out var spec) ? spec.Label : name;

    /// <summary>A sweep axis target: <c>parameter:&lt;name&gt;</c> or <c>levers[i].&lt;field&gt;</c> of the sweep's scenario.</summary>
    public static TargetLabel SweepAxis(string target, Api.V1.Scenario? scenario)
    {
        if (target.StartsWith(ParameterPrefix, StringComparison.Ordinal))
        {
            var name = target[ParameterPrefix.Length..];
            if (!ParameterCatalog.TryGet(name, out var spec))
            {
                return new TargetLabel(name, name, ValueFormat.Number);
            }
            var unit = spec.Unit is "share" or "ratio" ? "" : $" ({spec.Unit})";
            return new TargetLabel(spec.Label, spec.Label + unit, ValueFormat.Number);
        }
        if (!TryParseLeverField(target, out var index, out var field))
        {
            return new TargetLabel(target, target, ValueFormat.Number);
        }
        var (words, fieldUnit, format) = Field(field);
        var lever = scenario is not null && index < scenario.Levers.Count ? scenario.Levers[index] : null;
        var owner = lever is null ? $"lever {index + 1}"
            : lever.Label.Length > 0 ? lever.Label
            : $"lever {index + 1} ({Words(lever.KindCase.ToString())})";
        var suffix = fieldUnit.Length > 0 ? $" ({fieldUnit})" : "";
        return new TargetLabel(char.ToUpperInvariant(words[0]) + words[1..], $"{owner}: {words}{suffix}", format);
    }

    private static bool TryParseLeverField(string target, out int index, out string field)
    {
        (index, field) = (-1, "");
        const string prefix = "levers[";
        var close = target.IndexOf("].", StringComparison.Ordinal);
        if (!target.StartsWith(prefix, StringComparison.Ordinal) || close < prefix.Length ||
            !int.TryParse(target.AsSpan(prefix.Length, close - prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out index))
        {
            return false;
        }
        field = target[(close + 2)..];
        return field.Length > 0;
    }

    /// <summary>"minImportPriceUsd" is "minimum import price" in USD; "startDelayMonths" is "start delay" in months.</summary>
    private static (string Words, string Unit, ValueFormat Format) Field(string field)
    {
        var words = Words(field).Split(' ').ToList();
        var unit = "";
        var format = ValueFormat.Number;
        string[][] units = [["usd", "per", "kwh"], ["usd"], ["cny"], ["kwh"], ["km"], ["months"], ["units"]];
        foreach (var candidate in units)
        {
            if (words.Count > candidate.Length && words[^candidate.Length..].SequenceEqual(candidate))
            {
                words.RemoveRange(words.Count - candidate.Length, candidate.Length);
                unit = candidate switch
                {
                    ["usd", "per", "kwh"] => "USD/kWh",
                    ["usd"] => "USD",
                    ["cny"] => "CNY",
                    ["kwh"] => "kWh",
                    _ => candidate[0],
                };
                format = candidate is ["usd"] ? ValueFormat.Usd : unit is "units" ? ValueFormat.Units : ValueFormat.Number;
                break;
            }
        }
        if (words is [.., "year"])
        {
            format = ValueFormat.Year;
        }
        for (var i = 0; i < words.Count; i++)
        {
            words[i] = words[i] switch { "min" => "minimum", "max" => "maximum", _ => words[i] };
        }
        return (string.Join(' ', words), unit, format);
    }

    /// <summary>Lower-case words from camel case: "MinImportPriceUsd" is "min import price usd".</summary>
    private static string Words(string camel)
    {
        var text = new StringBuilder(camel.Length + 8);
        for (var i = 0; i < camel.Length; i++)
        {
            var c = camel[i];
            if (char.IsUpper(c) && i > 0 && text.Length > 0 && text[^1] != ' ')
            {
                text.Append(' ');
            }
            text.Append(c is '_' ? ' ' : char.ToLowerInvariant(c));
        }
        return text.ToString();
    }
}
