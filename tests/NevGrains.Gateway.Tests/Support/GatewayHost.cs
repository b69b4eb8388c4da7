using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NevGrains.Gateway.Hosting;
using NevGrains.TestSupport;

namespace NevGrains.Gateway.Tests.Support;

/// <summary>
/// The gateway as users run it: real Kestrel on a free 127.0.0.1 port (plaintext HTTP/2), wired by the same
/// <see cref="GatewayHosting"/> extensions as <c>Program.cs</c>, with settings given by the test.
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly List<GrpcChannel> channels = [];

    private readonly Task started;

    private GatewayHost(WebApplication app, Uri address, Task started)
    {
        this.app = app;
        Address = address;
        this.started = started;
    }

    public Uri Address { get; }

    /// <summary>Completes when every hosted service has started (for a cluster-mode gateway: once a silo was found).</summary>
    public Task Started => started;

    public IServiceProvider Services => app.Services;

    public static async Task<GatewayHost> Start(IDictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0", // Kestrel picks the port; the test reads it back
            ["Kestrel:EndpointDefaults:Protocols"] = "Http2",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Orleans"] = "Error",
            ["NevGrains:SiloPort"] = LoopbackPorts.Free().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["NevGrains:GatewayPort"] = LoopbackPorts.Free().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["NevGrains:ShutdownTimeout"] = "00:00:02",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddNevGrainsGateway();
        var app = builder.Build();
        app.MapNevGrainsGateway();
        // A cluster-mode gateway listens while its client still looks for a silo, so wait for the bound address, not for
        // start-up.
        var started = app.StartAsync(TestContext.Current.CancellationToken);
        return new GatewayHost(app, await BoundAddress(app, started), started);
    }

    /// <summary>A client channel that sends <paramref name="apiKey"/> as <c>x-api-key</c> on every call (none when null).</summary>
    public CallInvoker Client(string? apiKey = null)
    {
        var channel = GrpcChannel.ForAddress(Address, new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024 });
        channels.Add(channel);
        return channel.Intercept(new TestCallInterceptor(apiKey));
    }

    /// <summary>The address Kestrel bound, once it has: read from the server, so no port is chosen before it is bound.</summary>
    private static async Task<Uri> BoundAddress(WebApplication app, Task started)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        await Poll.Until(() =>
        {
            if (started.IsFaulted)
            {
                started.GetAwaiter().GetResult(); // surfaces the start-up error
            }
            // Before binding the feature holds the configured "http://127.0.0.1:0"; after, the bound address.
            return Task.FromResult(BoundPort(addresses) > 0);
        }, TimeSpan.FromSeconds(60), () => "the gateway did not bind its port");
        return new Uri($"http://127.0.0.1:{BoundPort(addresses)}");
    }

    private static int BoundPort(ICollection<string> addresses)
    {
        lock (addresses)
        {
            return addresses.Select(a => new Uri(a.Replace("*", "localhost", StringComparison.Ordinal)).Port).FirstOrDefault();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in channels)
        {
            channel.Dispose();
        }
        await app.StopAsync();
        await started.ContinueWith(_ => { }, TaskScheduler.Default); // its outcome no longer matters
        await app.DisposeAsync();
    }
}
