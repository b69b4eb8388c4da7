using System.Globalization;
using CsvHelper;
using Spectre.Console;

namespace NevGrains.Cli.Output;

/// <summary>A result as rows and named columns, rendered as a terminal table or as CSV (invariant culture, full precision).</summary>
public sealed class Tabular(params string[] columns)
{
    private readonly List<object[]> rows = [];

    public IReadOnlyList<string> Columns { get; } = columns;

    public int Count => rows.Count;

    public void Add(params object[] values)
    {
        if (values.Length != Columns.Count)
        {
            throw new ArgumentException($"{values.Length} values for {Columns.Count} columns", nameof(values));
        }
        rows.Add(values);
    }

    public void WriteTable(IAnsiConsole console, string title)
    {
        var table = new Table().Title(Markup.Escape(title));
        foreach (var column in Columns)
        {
            table.AddColumn(new TableColumn(Markup.Escape(column)));
        }
        foreach (var row in rows)
        {
            table.AddRow(row.Select(v => Markup.Escape(Display(v))).ToArray());
        }
        console.Write(table);
    }

    public void WriteCsv(TextWriter writer)
    {
        using var csv = new CsvWriter(writer, CultureInfo.InvariantCulture, leaveOpen: true);
        foreach (var column in Columns)
        {
            csv.WriteField(column);
        }
        csv.NextRecord();
        foreach (var row in rows)
        {
            foreach (var value in row)
            {
                csv.WriteField(value switch
                {
                    double d => d.ToString("R", CultureInfo.InvariantCulture),
                    Share s => s.Value.ToString("R", CultureInfo.InvariantCulture),
                    _ => Convert.ToString(value, CultureInfo.InvariantCulture),
                });
            }
            csv.NextRecord();
        }
    }

    private static string Display(object value) => value switch
    {
        double d when Math.Abs(d) >= 100 => d.ToString("N0", CultureInfo.InvariantCulture),
        double d => d.ToString("0.###", CultureInfo.InvariantCulture),
        Share s => s.Value.ToString("0.0%", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}

/// <summary>A share, shown as a percentage in tables and as a plain number in CSV.</summary>
public readonly record struct Share(double Value);
