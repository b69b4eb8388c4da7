using System.Globalization;
using NevGrains.Cli.Reports;

namespace NevGrains.Cli.Output;

/// <summary>
/// How every table, CSV file and report writes a number, in one place (invariant culture everywhere): cars as integers with
/// thousands separators, shares as percentages with one decimal, dollars in millions with one decimal (amounts under a million,
/// such as prices, in whole dollars), changes of shares in percentage points, years and plain values (parameters, thresholds)
/// as given. CSV carries the full-precision value instead.
/// </summary>
public static class Numbers
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>A value in a table or a report.</summary>
    public static string Value(ValueFormat format, double value) => format switch
    {
        ValueFormat.Units => Math.Round(value).ToString("N0", Invariant),
        ValueFormat.Percent => (value * 100).ToString("0.0", Invariant) + "%",
        ValueFormat.Usd => Usd(value),
        ValueFormat.UsdMillions => (value / 1e6).ToString("N1", Invariant),
        ValueFormat.Year => value.ToString("0", Invariant),
        _ => AsGiven(value),
    };

    /// <summary>A change, signed; a change of a share is in percentage points.</summary>
    public static string Change(ValueFormat format, double change)
    {
        var sign = change > 0 ? "+" : "";
        return format switch
        {
            ValueFormat.Percent => sign + (change * 100).ToString("0.0", Invariant) + " pp",
            _ => sign + Value(format, change),
        };
    }

    /// <summary>A relative change ("+12.3%"), or "n/a" from zero.</summary>
    public static string Relative(double from, double to) =>
        from == 0 ? "n/a" : (to > from ? "+" : "") + ((to / from - 1) * 100).ToString("0.0", Invariant) + "%";

    /// <summary>A number the user gave (a parameter value, a threshold, a lever field): its shortest exact form.</summary>
    public static string AsGiven(double value) => value.ToString("R", Invariant);

    /// <summary>A value in a CSV field: full precision, invariant; booleans lowercase (as JSON writes them).</summary>
    public static string Csv(object? value) => value switch
    {
        null => "",
        Quantity q => q.Value.ToString("R", Invariant),
        double d => d.ToString("R", Invariant),
        float f => f.ToString("R", Invariant),
        bool b => b ? "true" : "false",
        _ => Convert.ToString(value, Invariant) ?? "",
    };

    /// <summary>A value in a terminal table: quantities by their format, other numbers as given, booleans as yes/no.</summary>
    public static string Display(object? value) => value switch
    {
        null => "",
        Quantity q => Value(q.Format, q.Value),
        double d => AsGiven(d),
        bool b => b ? "yes" : "no",
        _ => Convert.ToString(value, Invariant) ?? "",
    };

    private static string Usd(double value)
    {
        var sign = value < 0 ? "-" : "";
        var size = Math.Abs(value);
        return size >= 1e6
            ? $"{sign}${(size / 1e6).ToString("N1", Invariant)}m"
            : $"{sign}${size.ToString("N0", Invariant)}";
    }
}

/// <summary>A number with its kind, so tables and CSV write it by <see cref="Numbers"/>' rules.</summary>
public readonly record struct Quantity(double Value, ValueFormat Format)
{
    public static Quantity Units(double cars) => new(cars, ValueFormat.Units);

    public static Quantity Share(double fraction) => new(fraction, ValueFormat.Percent);

    /// <summary>Dollars in a column labelled "USD m": the value is in dollars, written in millions.</summary>
    public static Quantity UsdMillions(double usd) => new(usd, ValueFormat.UsdMillions);

    public static Quantity Usd(double usd) => new(usd, ValueFormat.Usd);

    public override string ToString() => Numbers.Value(Format, Value);
}
