using System.Security.Claims;
using Grpc.Core;
using NevGrains.Model.Scenarios;

namespace NevGrains.Gateway.Services;

internal static class CallerContext
{
    /// <summary>The authenticated caller's name (limits and batch ownership are per caller).</summary>
    public static string Caller(this ServerCallContext context) =>
        context.GetHttpContext().User.FindFirst(ClaimTypes.Name)?.Value ?? "anonymous";

    public static bool IsAdmin(this ServerCallContext context) => context.GetHttpContext().User.IsInRole(Security.Roles.Admin);

    /// <summary>Runs a call whose scenario the model validates, so its issues name the request's field path.</summary>
    public static async Task<T> Prefixed<T>(string path, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (ScenarioException ex) when (ex.Issues.All(i => !i.Field.StartsWith(path, StringComparison.Ordinal)))
        {
            throw new ScenarioException([.. ex.Issues.Select(i => i with { Field = $"{path}.{i.Field}" })]);
        }
    }

    public static string? Version(string version) => string.IsNullOrEmpty(version) ? null : version;
}
