using System.Globalization;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NevGrains.Gateway.Hosting;
using NevGrains.TestSupport;

namespace NevGrains.Gateway.Benchmarks;

/// <summary>
/// The embedded gateway as <c>Program.cs</c> wires it (a silo in this process, in-memory state), on Kestrel at a port it binds
/// itself on 127.0.0.1, anonymous loopback callers allowed.
/// </summary>
internal sealed class EmbeddedGateway : IAsyncDisposable
{
    public static readonly GrpcChannelOptions ChannelOptions = new() { MaxReceiveMessageSize = 64 * 1024 * 1024 };

    private readonly WebApplication _app;

    private EmbeddedGateway(WebApplication app, GrpcChannel channel)
    {
        _app = app;
        Channel = channel;
    }

    public GrpcChannel Channel { get; }

    public static async Task<EmbeddedGateway> Start()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Kestrel:EndpointDefaults:Protocols"] = "Http2",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Orleans"] = "Error",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Error",
            ["NevGrains:SiloPort"] = LoopbackPorts.Free().ToString(CultureInfo.InvariantCulture),
            ["NevGrains:GatewayPort"] = LoopbackPorts.Free().ToString(CultureInfo.InvariantCulture),
            ["NevGrains:Gateway:Auth:AllowAnonymousOnLoopback"] = "true",
        });
        builder.AddNevGrainsGateway();
        var app = builder.Build();
        app.MapNevGrainsGateway();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new EmbeddedGateway(app, GrpcChannel.ForAddress(address, ChannelOptions));
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
