using System.Text.RegularExpressions;
using NevGrains.Model.Scenarios;

namespace NevGrains.Gateway.Services;

/// <summary>Shape checks on request fields, thrown as an invalid argument naming the field.</summary>
internal static partial class Require
{
    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex IdPattern();

    public static void Id(string value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw Invalid(field, "missing");
        }
        if (!IdPattern().IsMatch(value))
        {
            throw Invalid(field, $"'{Truncate(value)}' is not an id (letters, digits, '-' and '_', up to 64)");
        }
    }

    public static ScenarioException Invalid(string field, string message) => new([new ScenarioIssue(field, message)]);

    public static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "...";
}
