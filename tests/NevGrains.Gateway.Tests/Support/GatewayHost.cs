using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
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
        var port = LoopbackPorts.Free();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Urls"] = $"http://127.0.0.1:{port}",
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
        // A cluster-mode gateway listens while its client still looks for a silo, so wait for the port, not for start-up.
        var started = app.StartAsync(TestContext.Current.CancellationToken);
        await WaitForPort(port, started);
        return new GatewayHost(app, new Uri($"http://127.0.0.1:{port}"), started);
    }

    /// <summary>A client channel that sends <paramref name="apiKey"/> as <c>x-api-key</c> on every call (none when null).</summary>
    public CallInvoker Client(string? apiKey = null)
    {
        var channel = GrpcChannel.ForAddress(Address, new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024 });
        channels.Add(channel);
        return channel.Intercept(new TestCallInterceptor(apiKey));
    }

    private static async Task WaitForPort(int port, Task started)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (started.IsFaulted)
            {
                await started; // surfaces the start-up error
            }
            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                await probe.ConnectAsync(System.Net.IPAddress.Loopback, port);
                return;
            }
            catch (System.Net.Sockets.SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
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
