using System.Globalization;
using CsvHelper;
using Spectre.Console;

namespace NevGrains.Cli.Output;

/// <summary>A result as rows and named columns, rendered as a terminal table or as CSV, with <see cref="Numbers"/>' rules.</summary>
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
            table.AddRow(row.Select(v => Markup.Escape(Numbers.Display(v))).ToArray());
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
                csv.WriteField(Numbers.Csv(value));
            }
            csv.NextRecord();
        }
    }
}
