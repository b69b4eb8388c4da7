using System.CommandLine;
using NevGrains.Model.Data;

namespace NevGrains.Cli.Commands;

/// <summary>`nev data validate [folder]`: the data owner's check of a dataset folder.</summary>
public static class DataCommands
{
    public static Command Build(TextWriter output, TextWriter error)
    {
        var folder = new Argument<DirectoryInfo>("folder")
        {
            Description = "The dataset folder (default: data/baseline under the current directory)",
            DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("data", "baseline")),
        };
        var warnings = new Option<bool>("--warnings") { Description = "Also list warnings (unused sources and the like)" };
        var validate = new Command("validate", "Validate a dataset folder: schema, ranges, sources, references, tariff overlaps")
        {
            folder,
            warnings,
        };
        validate.SetAction(parse => Validate(parse.GetValue(folder)!, parse.GetValue(warnings), output, error));

        return new Command("data", "Work with dataset files") { validate };
    }

    internal static int Validate(DirectoryInfo folder, bool showWarnings, TextWriter output, TextWriter error)
    {
        var dataset = DatasetLoader.ReadFolder(folder.FullName, out var issues);
        var report = dataset is null ? new ValidationReport(issues, []) : Merge(issues, DatasetValidator.Validate(dataset));
        foreach (var issue in report.Errors)
        {
            error.WriteLine($"error: {issue}");
        }
        if (showWarnings)
        {
            foreach (var issue in report.Warnings)
            {
                output.WriteLine($"warning: {issue}");
            }
        }
        if (!report.IsValid)
        {
            error.WriteLine($"{folder.FullName}: {report.Errors.Count} error(s), {report.Warnings.Count} warning(s)");
            return ExitCodes.InvalidInput;
        }
        output.WriteLine($"{folder.FullName}: dataset {dataset!.Version} is valid: {dataset.Markets.Length} markets, {dataset.Brands.Length} brands, " +
                         $"{dataset.Competitors.Length} competitors, {dataset.Tariffs.Sum(t => t.Rules.Length)} tariff rules, {dataset.Sources.Length} sources; " +
                         $"{report.Warnings.Count} warning(s)");
        return ExitCodes.Ok;
    }

    private static ValidationReport Merge(List<DataIssue> parseIssues, ValidationReport report) =>
        parseIssues.Count == 0 ? report : new ValidationReport([.. parseIssues, .. report.Errors], report.Warnings);
}
