using OpenTelemetry.Metrics;
using NevGrains.Hosting;
using NevGrains.Silo;

var builder = WebApplication.CreateBuilder(args);
builder.AddNevGrainsSilo(silo => silo.UseNevGrainsKubernetesHosting(builder.Configuration));
builder.AddNevGrainsTelemetry("nevgrains-silo").WithMetrics(m => m.AddPrometheusExporter());
builder.Services.AddSiloHealthChecks();

var app = builder.Build();
app.MapNevGrainsDashboard();
app.MapSiloHealth();
app.MapPrometheusScrapingEndpoint();
app.Run();
