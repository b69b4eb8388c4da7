using System.CommandLine;
using System.Text.RegularExpressions;
using NevGrains.Api.V1;

namespace NevGrains.Cli.Commands;

/// <summary>The options that narrow a result to some owners, markets and years (a <see cref="ResultFilter"/>).</summary>
public sealed partial class ResultOptions
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

    /// <summary>An error about the request's filter, named by the option that set it (<c>filter.owners[0]</c> is <c>--owner</c>).</summary>
    public static string Named(string detail) => FilterField().Replace(detail, m => m.Groups[1].Value switch
    {
        "owners" => "--owner",
        "markets" => "--market",
        _ => "--year",
    });

    [GeneratedRegex(@"\bfilter\.(owners|markets|years)\[\d+\]")]
    private static partial Regex FilterField();
}
