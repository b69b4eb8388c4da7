using System.Security.Claims;
using System.Text.RegularExpressions;
using Grpc.Core;
using NevGrains.Contracts;
using NevGrains.Gateway.Hosting;
using NevGrains.Model.Scenarios;

namespace NevGrains.Gateway.Services;

internal static partial class CallerContext
{
    /// <summary>The authenticated caller's name (limits and batch ownership are per caller).</summary>
    public static string CallerName(this ServerCallContext context) =>
        context.GetHttpContext().User.FindFirst(ClaimTypes.Name)?.Value ?? "anonymous";

    /// <summary>The caller as grains see it: name, admin right and the configured limits. Grains apply the rules.</summary>
    public static Caller Caller(this ServerCallContext context, LimitOptions limits) =>
        new(context.CallerName(), context.GetHttpContext().User.IsInRole(Security.Roles.Admin),
            new CallerLimits(limits.MaxBatchItems, limits.MaxConcurrentBatchesPerCaller, limits.MaxExperimentRuns));

    /// <summary>
    /// Runs a grain call given the request's value at <paramref name="path"/>; the model names issues relative to that value, so this
    /// is the one place they become request paths (<c>scenario.levers[0].tariff.rate</c>).
    /// </summary>
    public static async Task<T> At<T>(string path, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (ScenarioException ex)
        {
            throw new ScenarioException([.. ex.Issues.Select(i => i.Under(path))]);
        }
    }

    /// <summary>A requested dataset version (null when unset: the current one), checked for shape so a bad one is refused here.</summary>
    public static string? Version(string version)
    {
        if (string.IsNullOrEmpty(version))
        {
            return null;
        }
        if (!VersionPattern().IsMatch(version))
        {
            throw Require.Invalid("datasetVersion", $"'{Require.Truncate(version)}' is not a dataset version (like 2025.2.0+r3; letters, digits and . + - _, up to 100)");
        }
        return version;
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9.+_-]{0,99}$")]
    private static partial Regex VersionPattern();
}
