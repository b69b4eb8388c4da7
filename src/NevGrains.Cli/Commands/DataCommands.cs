using System.CommandLine;
using NevGrains.Api.V1;
using NevGrains.Cli.Files;
using NevGrains.Model.Data;
using Spectre.Console;

namespace NevGrains.Cli.Commands;

/// <summary>
/// `nev data validate [folder]`: the data owner's check of a dataset folder; `nev data export|import folder`: the service's
/// current dataset to files and back (backup and restore; admin role).
/// </summary>
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

        return new Command("data", "Work with dataset files") { validate, Export(output, error), Import(output, error) };
    }

    private static Command Export(TextWriter output, TextWriter error)
    {
        var folder = new Argument<DirectoryInfo>("folder") { Description = "Where to write the dataset (data/baseline layout); created if missing" };
        var export = new Command("export", "Write the service's current dataset to a folder: a backup `nev data import` restores (admin role)")
        {
            folder,
        };
        export.SetAction((parse, cancellation) => Invocation.Run(parse, output, error, cancellation, async (client, console, token) =>
        {
            var response = await client.Admin.ExportBaselineAsync(new ExportBaselineRequest(), cancellationToken: token);
            var target = parse.GetValue(folder)!;
            foreach (var (file, json) in response.Files)
            {
                var path = Path.GetFullPath(Path.Combine(target.FullName, file));
                if (Path.GetRelativePath(target.FullName, path).StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(file))
                {
                    throw new InputFileException(file, "", "the service sent a file outside the folder");
                }
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllTextAsync(path, json, token);
            }
            console.MarkupLineInterpolated($"Dataset {response.DatasetVersion}: {response.Files.Count} files written to {target.FullName}");
            return ExitCodes.Ok;
        }));
        return export;
    }

    private static Command Import(TextWriter output, TextWriter error)
    {
        var folder = new Argument<DirectoryInfo>("folder") { Description = "A dataset folder (data/baseline layout), e.g. one `nev data export` wrote" };
        var import = new Command("import", "Validate a dataset folder, then make it the service's baseline (a new dataset version; admin role)")
        {
            folder,
        };
        import.SetAction((parse, cancellation) =>
        {
            var source = parse.GetValue(folder)!;
            // Check locally first: errors then name the file on disk, and nothing is sent.
            var valid = Validate(source, showWarnings: false, TextWriter.Null, error);
            if (valid != ExitCodes.Ok)
            {
                return Task.FromResult(valid);
            }
            return Invocation.Run(parse, output, error, cancellation, async (client, console, token) =>
            {
                var request = new ImportBaselineRequest();
                foreach (var path in Directory.EnumerateFiles(source.FullName, "*.json", SearchOption.AllDirectories))
                {
                    request.Files[Path.GetRelativePath(source.FullName, path).Replace('\\', '/')] = await File.ReadAllTextAsync(path, token);
                }
                var response = await client.Admin.ImportBaselineAsync(request, cancellationToken: token);
                console.MarkupLineInterpolated($"Imported {request.Files.Count} files from {source.FullName}: dataset version {response.DatasetVersion}");
                return ExitCodes.Ok;
            });
        });
        return import;
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
