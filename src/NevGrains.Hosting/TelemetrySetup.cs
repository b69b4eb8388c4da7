using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace NevGrains.Hosting;

/// <summary>
/// OpenTelemetry for every NevGrains process: Orleans' grain-call traces (propagated across silos and from the gateway) and
/// metrics, NevGrains' own, and the .NET runtime's (GC, thread pool, JIT, CPU: <c>dotnet_*</c>). Exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
public static class TelemetrySetup
{
    /// <summary>The name of NevGrains' own activity source and meter.</summary>
    public const string SourceName = "NevGrains";

    private static readonly string[] OrleansSources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    public static OpenTelemetryBuilder AddNevGrainsTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithTracing(t => t.AddSource([SourceName, .. OrleansSources]))
            .WithMetrics(m => m.AddMeter(SourceName, "Microsoft.Orleans").AddRuntimeInstrumentation());
        if (!string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }
        return telemetry;
    }
}
