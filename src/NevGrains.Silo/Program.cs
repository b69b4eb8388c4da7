using NevGrains.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddNevGrainsSilo();
builder.AddNevGrainsTelemetry("nevgrains-silo");
builder.Services.AddSiloHealthChecks();

var app = builder.Build();
app.MapSiloHealth();
app.Run();
