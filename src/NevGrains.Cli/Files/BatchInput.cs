using System.Globalization;
using System.Text.RegularExpressions;
using CsvHelper;
using CsvHelper.Configuration;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using NevGrains.Api.V1;

namespace NevGrains.Cli.Files;

/// <summary>
/// The scenarios of a batch file: JSON Lines (one <c>nevgrains.v1.Scenario</c> per line), or a CSV whose rows set numbers in
/// a template scenario (header: <c>name</c>, then targets such as <c>levers[0].rate</c> or <c>parameter:demand.nestingLambda</c>).
/// </summary>
public static partial class BatchInput
{
    [GeneratedRegex(@"^levers\[(\d+)\]\.([A-Za-z][A-Za-z0-9]*)$")]
    private static partial Regex LeverTarget();

    public static List<Scenario> Read(string path, Scenario? template)
    {
        if (!File.Exists(path))
        {
            throw new InputFileException(path, "file", "does not exist");
        }
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".jsonl" => ReadJsonLines(path),
            ".csv" => ReadCsv(path, template ?? throw new InputFileException(path, "file", "a CSV batch needs a template: --scenario <file.scenario.json>")),
            var other => throw new InputFileException(path, "file", $"'{other}' is not a batch file: use .jsonl or .csv"),
        };
    }

    private static List<Scenario> ReadJsonLines(string path)
    {
        var scenarios = new List<Scenario>();
        var lines = File.ReadAllLines(path);
        for (var i = 0; i < lines.Length; i++)
        {
            if (!string.IsNullOrWhiteSpace(lines[i]))
            {
                scenarios.Add(ProtoJsonFile.Parse<Scenario>(lines[i], path, lineOffset: i));
            }
        }
        return scenarios;
    }

    private static List<Scenario> ReadCsv(string path, Scenario template)
    {
        using var reader = new StreamReader(path);
        using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { TrimOptions = TrimOptions.Trim });
        if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is not { Length: > 0 } header)
        {
            throw new InputFileException(path, "line 1", "no header row");
        }
        if (header[0] != "name")
        {
            throw new InputFileException(path, "line 1", $"the first column must be 'name', not '{header[0]}'");
        }
        foreach (var target in header.Skip(1))
        {
            Set(template.Clone(), target, 0, path, "line 1"); // every target must exist in the template
        }
        var scenarios = new List<Scenario>();
        while (csv.Read())
        {
            var line = $"line {csv.Parser.RawRow}";
            var scenario = template.Clone();
            scenario.Name = csv.GetField(0) is { Length: > 0 } name ? name : $"{template.Name}-{scenarios.Count}";
            for (var column = 1; column < header.Length; column++)
            {
                var cell = csv.GetField(column);
                if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    throw new InputFileException(path, $"{line}, column {header[column]}", $"'{cell}' is not a number");
                }
                Set(scenario, header[column], value, path, $"{line}, column {header[column]}");
            }
            scenarios.Add(scenario);
        }
        return scenarios;
    }

    /// <summary>Sets a numeric field named by a sweep-style target.</summary>
    public static void Set(Scenario scenario, string target, double value, string file, string location)
    {
        if (target.StartsWith("parameter:", StringComparison.Ordinal))
        {
            scenario.Parameters[target["parameter:".Length..]] = value;
            return;
        }
        if (target == "horizon")
        {
            scenario.Horizon = (int)value;
            return;
        }
        var match = LeverTarget().Match(target);
        if (!match.Success)
        {
            throw new InputFileException(file, location, $"'{target}' is not a target: use levers[i].<field>, parameter:<name> or horizon");
        }
        var index = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        if (index >= scenario.Levers.Count)
        {
            throw new InputFileException(file, location, $"'{target}': the template has {scenario.Levers.Count} lever(s)");
        }
        var lever = scenario.Levers[index];
        var kind = Lever.Descriptor.Oneofs[0].Accessor.GetCaseFieldDescriptor(lever)
            ?? throw new InputFileException(file, location, $"'{target}': lever {index} of the template has no kind");
        var inner = (IMessage)kind.Accessor.GetValue(lever);
        var field = inner.Descriptor.Fields.InDeclarationOrder().FirstOrDefault(f => f.JsonName == match.Groups[2].Value && !f.IsRepeated)
            ?? throw new InputFileException(file, location, $"'{target}': a {kind.JsonName} lever has no number field '{match.Groups[2].Value}'");
        var integral = field.FieldType is FieldType.Int32 or FieldType.SInt32 or FieldType.Int64 or FieldType.SInt64;
        if (integral && value != Math.Round(value))
        {
            throw new InputFileException(file, location, $"'{target}' takes a whole number, not {value.ToString(CultureInfo.InvariantCulture)}");
        }
        var converted = field.FieldType switch
        {
            FieldType.Double => (object)value,
            FieldType.Float => (object)(float)value,
            FieldType.Int32 or FieldType.SInt32 => (object)(int)value,
            FieldType.Int64 or FieldType.SInt64 => (object)(long)value,
            _ => throw new InputFileException(file, location, $"'{target}' is not a number field"),
        };
        field.Accessor.SetValue(inner, converted);
    }
}
