using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Orleans.Dashboard;

namespace NevGrains.Hosting;

/// <summary>The Orleans dashboard (configuration section <c>NevGrains:Dashboard</c>): off unless enabled.</summary>
public sealed class DashboardOptions
{
    public const string Section = "NevGrains:Dashboard";

    /// <summary>Every silo must enable it for the dashboard to see the whole cluster.</summary>
    public bool Enabled { get; set; }

    public string Path { get; set; } = "/dashboard";

    /// <summary>The dashboard shows grain keys and state and has no login: by default it answers loopback callers only
    /// (reach it with <c>kubectl port-forward</c> or an SSH tunnel).</summary>
    public bool LoopbackOnly { get; set; } = true;
}

public static class SiloDashboard
{
    public static DashboardOptions ReadDashboardOptions(this IConfiguration configuration)
    {
        var options = new DashboardOptions();
        configuration.GetSection(DashboardOptions.Section).Bind(options);
        return options;
    }

    public static ISiloBuilder AddNevGrainsDashboard(this ISiloBuilder silo, DashboardOptions options)
    {
        if (options.Enabled)
        {
            // No live log streaming: logs can carry scenario contents.
            silo.AddDashboard(o => o.HideTrace = true);
        }
        return silo;
    }

    /// <summary>Maps the dashboard on the silo's HTTP port when enabled.</summary>
    public static WebApplication MapNevGrainsDashboard(this WebApplication app)
    {
        var options = app.Configuration.ReadDashboardOptions();
        if (!options.Enabled)
        {
            return app;
        }
        if (options.LoopbackOnly)
        {
            // Ahead of routing, so the dashboard's assets and APIs are all covered, not only its page.
            app.UseWhen(
                context => context.Request.Path.StartsWithSegments(options.Path) && !FromLoopback(context),
                branch => branch.Run(context =>
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                }));
        }
        app.MapOrleansDashboard(options.Path);
        return app;
    }

    private static bool FromLoopback(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote);
}
