using Microsoft.Extensions.Logging;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using NevGrains.Gateway.Hosting;

namespace NevGrains.Cli.Connection;

/// <summary>
/// The embedded default: the gateway and one silo in this process, in-memory state, the shipped baseline, listening on a
/// free 127.0.0.1 port for this process only. Nothing survives the process.
/// </summary>
public sealed class EmbeddedService : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ShutdownQuiet quiet;

    private EmbeddedService(WebApplication app, Uri address, ShutdownQuiet quiet)
    {
        this.app = app;
        Address = address;
        this.quiet = quiet;
    }

    public Uri Address { get; }

    public static async Task<EmbeddedService> Start(CancellationToken cancellationToken)
    {
        var port = FreePort();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Embedded",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.Sources.Clear(); // the embedded service takes no settings from the current folder
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Urls"] = $"http://127.0.0.1:{port}",
            ["Kestrel:EndpointDefaults:Protocols"] = "Http2",
            ["NevGrains:SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["NevGrains:GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["NevGrains:ShutdownTimeout"] = "00:00:02",
            ["NevGrains:Gateway:Mode"] = "Embedded",
            ["NevGrains:Gateway:Auth:AllowAnonymousOnLoopback"] = "true",
        });
        // Once the command is done, grains still at work (a cancelled batch's last chunks) are cut off as the service stops: those
        // errors are not the user's to act on, so the stopping service logs nothing.
        var quiet = new ShutdownQuiet();
        // (A filter function replaces the configured levels, so it states them: errors only, never the watchdog's.)
        builder.Logging.AddFilter((category, level) =>
            !quiet.Stopping && level >= LogLevel.Error && category != "Orleans.Runtime.Watchdog");
        builder.AddNevGrainsGateway();
        var app = builder.Build();
        app.MapNevGrainsGateway();
        await app.StartAsync(cancellationToken);
        return new EmbeddedService(app, new Uri($"http://127.0.0.1:{port}"), quiet);
    }

    public async ValueTask DisposeAsync()
    {
        quiet.Stopping = true;
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Set before the stop, and read by the log filter until the process ends: the host's own ApplicationStopping token cannot serve,
    /// because the silo still logs while the disposed host's services can no longer be asked for it.
    /// </summary>
    private sealed class ShutdownQuiet
    {
        public volatile bool Stopping;
    }
}
