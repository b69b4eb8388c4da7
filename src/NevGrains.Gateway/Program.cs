using NevGrains.Gateway.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddNevGrainsGateway();

var app = builder.Build();
app.MapNevGrainsGateway();
app.Run();

/// <summary>The entry point, visible to tests that host the gateway in-process.</summary>
public partial class Program;
