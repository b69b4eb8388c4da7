using System.CommandLine;
using Google.Protobuf;
using Spectre.Console;

namespace NevGrains.Cli.Output;

public enum OutputFormat
{
    /// <summary>A readable summary on the terminal.</summary>
    Table,
    /// <summary>One row per result cell, for spreadsheets and scripts.</summary>
    Csv,
    /// <summary>The service's whole answer in protobuf's JSON mapping (the API's own form).</summary>
    Json,
}

/// <summary>The <c>--format</c> and <c>--out</c> options and how a command's answer is written with them.</summary>
public static class OutputOptions
{
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithIndentation().WithFormatDefaultValues(true));

    public static Option<OutputFormat> Format() => new("--format")
    {
        Description = "table (default), csv or json",
        DefaultValueFactory = _ => OutputFormat.Table,
        // Names only (no numbers, no type names in the error): "--format xml" says what it accepts.
        CustomParser = result =>
        {
            var token = result.Tokens.Count == 0 ? "table" : result.Tokens[^1].Value;
            var format = Enum.GetValues<OutputFormat>().FirstOrDefault(f => string.Equals(f.ToString(), token, StringComparison.OrdinalIgnoreCase), (OutputFormat)(-1));
            if (format == (OutputFormat)(-1))
            {
                result.AddError($"--format '{(token.Length > 40 ? token[..40] + "..." : token)}' is not one of: table, csv, json");
                return OutputFormat.Table;
            }
            return format;
        },
    };

    public static Option<FileInfo?> Out() => new("--out") { Description = "Write the csv or json output to this file instead of the terminal" };

    /// <summary>Writes the answer: the summary table, the detail rows as CSV, or the whole message as JSON.</summary>
    public static void Write(OutputFormat format, FileInfo? file, IAnsiConsole console, TextWriter output, IMessage message, Action writeTable, Tabular detail)
    {
        if (format == OutputFormat.Table)
        {
            writeTable();
            return;
        }
        using var writer = file is null ? null : new StreamWriter(file.FullName);
        var target = writer ?? output;
        if (format == OutputFormat.Csv)
        {
            detail.WriteCsv(target);
        }
        else
        {
            target.WriteLine(Json.Format(message));
        }
        if (file is not null)
        {
            console.MarkupLine($"Wrote {Markup.Escape(file.FullName)}");
        }
    }
}
