using System.CommandLine;
using NevGrains.Api.V1;

namespace NevGrains.Cli.Commands;

/// <summary>The options that narrow a result to some owners, markets and years (a <see cref="ResultFilter"/>).</summary>
public sealed class ResultOptions
{
    public Option<string[]> Owners { get; } = new("--owner") { Description = "Brand or competitor ids to show (repeatable); default: every Chinese brand", AllowMultipleArgumentsPerToken = true };

    public Option<string[]> Markets { get; } = new("--market") { Description = "Market ids to show (repeatable); default: all", AllowMultipleArgumentsPerToken = true };

    public Option<int[]> Years { get; } = new("--year") { Description = "Years to show (repeatable); default: all", AllowMultipleArgumentsPerToken = true };

    public Option<string?> DatasetVersion { get; } = new("--dataset-version") { Description = "Run on this dataset version (default: the current one)" };

    public void AddTo(Command command)
    {
        command.Options.Add(Owners);
        command.Options.Add(Markets);
        command.Options.Add(Years);
        command.Options.Add(DatasetVersion);
    }

    public ResultFilter Filter(ParseResult parse)
    {
        var owners = parse.GetValue(Owners) ?? [];
        var filter = new ResultFilter { BrandsOnly = owners.Length == 0 };
        filter.Owners.AddRange(owners);
        filter.Markets.AddRange(parse.GetValue(Markets) ?? []);
        filter.Years.AddRange(parse.GetValue(Years) ?? []);
        return filter;
    }

    public string Version(ParseResult parse) => parse.GetValue(DatasetVersion) ?? "";
}
