using OpenTelemetry.Metrics;
using NevGrains.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddNevGrainsSilo();
builder.AddNevGrainsTelemetry("nevgrains-silo").WithMetrics(m => m.AddPrometheusExporter());
builder.Services.AddSiloHealthChecks();

var app = builder.Build();
app.MapNevGrainsDashboard();
app.MapSiloHealth();
app.MapPrometheusScrapingEndpoint();
app.Run();
