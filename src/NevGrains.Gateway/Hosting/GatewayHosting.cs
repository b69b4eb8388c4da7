using System.Threading.RateLimiting;
using Azure.Data.Tables;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NevGrains.Gateway.Security;
using NevGrains.Gateway.Services;
using NevGrains.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Orleans.Configuration;

namespace NevGrains.Gateway.Hosting;

/// <summary>Wires the gateway: Orleans (embedded silo or cluster client), gRPC services, security, limits, health, telemetry.</summary>
public static class GatewayHosting
{
    /// <summary>The API's gRPC services by full name, as health checks and reflection know them.</summary>
    private static readonly IReadOnlyList<string> ApiServiceNames =
    [
        Api.V1.CatalogService.Descriptor.FullName,
        Api.V1.ScenarioService.Descriptor.FullName,
        Api.V1.ExperimentService.Descriptor.FullName,
        Api.V1.BatchService.Descriptor.FullName,
        Api.V1.AdminService.Descriptor.FullName,
    ];

    /// <summary>gRPC's per-message frame header plus slack, on top of the message limit, for Kestrel's body limit.</summary>
    private const int MessageFraming = 64 * 1024;

    /// <summary>Largest request header block: room for a hostile 64 KB API key to be refused by the key check.</summary>
    private const int MaxHeaderBytes = 256 * 1024;

    public static WebApplicationBuilder AddNevGrainsGateway(this WebApplicationBuilder builder)
    {
        var gateway = new GatewayOptions();
        builder.Configuration.GetSection(GatewayOptions.Section).Bind(gateway);
        builder.Services.AddOptions<GatewayOptions>().Bind(builder.Configuration.GetSection(GatewayOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();

        if (gateway.Mode == GatewayMode.Embedded)
        {
            builder.AddNevGrainsSilo();
        }
        else
        {
            var nev = builder.Configuration.ReadNevGrainsOptions();
            // Serve (and report NOT_SERVING) while the client looks for a silo, rather than waiting to listen.
            builder.Services.Configure<HostOptions>(o => o.ServicesStartConcurrently = true);
            builder.UseOrleansClient(client =>
            {
                client.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = nev.ClusterId;
                    o.ServiceId = nev.ServiceId;
                });
                if (nev.Clustering == ClusteringMode.AzureTable)
                {
                    client.UseAzureStorageClustering(o =>
                    {
                        o.TableServiceClient = new TableServiceClient(nev.AzureStorageConnectionString);
                        o.TableName = $"{nev.TablePrefix}Membership";
                    });
                }
                else
                {
                    client.UseLocalhostClustering(nev.GatewayPort);
                }
                client.UseConnectionRetryFilter(async (_, cancellation) =>
                {
                    await Task.Delay(TimeSpan.FromSeconds(2), cancellation);
                    return true;
                });
                client.AddActivityPropagation();
            });
        }

        if (gateway.MetricsPort > 0)
        {
            // The gRPC endpoints stay where Urls puts them; /metrics gets one more, which speaks HTTP/1.1 (below).
            var configured = builder.Configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } value ? value : "http://localhost:5000";
            var urls = configured.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            // The port decides which endpoint speaks HTTP/1.1: sharing it would turn the gRPC endpoint into HTTP/1.1.
            if (urls.FirstOrDefault(u => BindingAddress.Parse(u).Port == gateway.MetricsPort) is { } shared)
            {
                throw new InvalidOperationException(
                    $"{GatewayOptions.Section}:{nameof(GatewayOptions.MetricsPort)} {gateway.MetricsPort} is also in Urls ({shared}): /metrics needs a port of its own");
            }
            builder.WebHost.UseUrls([.. urls, $"http://{gateway.MetricsHost}:{gateway.MetricsPort}"]);
        }
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Runs after the configured endpoint defaults (Http2 for gRPC), so it can turn the metrics endpoint back to HTTP/1.1.
            kestrel.ConfigureEndpointDefaults(endpoint =>
            {
                if (gateway.MetricsPort > 0 && endpoint.IPEndPoint?.Port == gateway.MetricsPort)
                {
                    endpoint.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1;
                }
            });
            // A request message up to the gRPC limit must reach gRPC (which answers RESOURCE_EXHAUSTED above it), not stop at
            // Kestrel's 30 MB default with an UNKNOWN reset.
            kestrel.Limits.MaxRequestBodySize = (long)gateway.Limits.MaxReceiveMessageBytes + MessageFraming;
            // An oversized API key must reach the key check (UNAUTHENTICATED), not break HTTP/2 header decoding (INTERNAL).
            kestrel.Limits.MaxRequestHeadersTotalSize = MaxHeaderBytes;
            kestrel.Limits.Http2.MaxRequestHeaderFieldSize = MaxHeaderBytes;
        });
        builder.Services.AddGrpc(o =>
        {
            o.Interceptors.Add<ErrorInterceptor>();
            o.Interceptors.Add<CallerOnCallInterceptor>();
            o.MaxReceiveMessageSize = gateway.Limits.MaxReceiveMessageBytes;
            o.EnableDetailedErrors = false;
        });
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks(o =>
        {
            // "" is the gateway as a whole; each API service answers by its own name too, as health-checking clients ask.
            o.Services.Map("", _ => true);
            foreach (var service in ApiServiceNames)
            {
                o.Services.Map(service, _ => true);
            }
        }).AddCheck<ClusterHealthCheck>("cluster");
        builder.Services.Configure<HealthCheckPublisherOptions>(o =>
        {
            o.Delay = TimeSpan.Zero;
            o.Period = TimeSpan.FromSeconds(2);
        });

        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, _ => { });
        builder.Services.AddAuthorization(o =>
        {
            foreach (var role in Roles.All)
            {
                o.AddPolicy(role, p => p.RequireAuthenticatedUser().RequireRole(Roles.Satisfying(role)));
            }
        });
        builder.Services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                RateLimitPartition.GetTokenBucketLimiter(context.User.Identity?.Name ?? context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = gateway.Limits.RequestsPerSecondPerCaller,
                        TokensPerPeriod = gateway.Limits.RequestsPerSecondPerCaller,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                    }));
            // Answer as gRPC does: RESOURCE_EXHAUSTED in the trailers of an HTTP 200.
            o.OnRejected = (context, _) =>
            {
                var response = context.HttpContext.Response;
                response.StatusCode = StatusCodes.Status200OK;
                response.ContentType = "application/grpc";
                response.Headers["grpc-status"] = ((int)Grpc.Core.StatusCode.ResourceExhausted).ToString(System.Globalization.CultureInfo.InvariantCulture);
                response.Headers["grpc-message"] = "too many requests from this caller; slow down";
                return ValueTask.CompletedTask;
            };
        });

        builder.Services.AddSingleton<ClusterLoadMonitor>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ClusterLoadMonitor>());
        builder.Services.AddSingleton<GatewayMetrics>();
        builder.AddNevGrainsTelemetry("nevgrains-gateway")
            .WithTracing(t => t.AddAspNetCoreInstrumentation())
            .WithMetrics(m =>
            {
                m.AddAspNetCoreInstrumentation();
                if (gateway.MetricsPort > 0)
                {
                    m.AddPrometheusExporter();
                }
            });
        return builder;
    }

    public static WebApplication MapNevGrainsGateway(this WebApplication app)
    {
        _ = app.Services.GetRequiredService<GatewayMetrics>(); // the load gauges exist from the start, not from the first call
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseMiddleware<MalformedRequestMiddleware>();
        app.MapGrpcService<CatalogApi>();
        app.MapGrpcService<ScenarioApi>();
        app.MapGrpcService<BatchApi>();
        app.MapGrpcService<ExperimentApi>();
        app.MapGrpcService<AdminApi>();
        app.MapGrpcHealthChecksService().AllowAnonymous().DisableRateLimiting(); // probes must answer while a caller floods the gateway
        app.MapGrpcReflectionService().AllowAnonymous();
        var metricsPort = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<GatewayOptions>>().Value.MetricsPort;
        if (metricsPort > 0)
        {
            // Only on the metrics endpoint: the gRPC port never answers plain HTTP.
            app.MapPrometheusScrapingEndpoint().RequireHost($"*:{metricsPort}").AllowAnonymous().DisableRateLimiting();
        }
        return app;
    }
}
