using NevGrains.Contracts;
using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NevGrains.Contracts.Batches;
using NevGrains.Hosting;
using NevGrains.Model.Engine;
using NevGrains.Model.Results;
using NevGrains.Model.Scenarios;

// Usage: dotnet run -c Release --project bench/NevGrains.Cluster.Benchmarks -- [scenarios=600] [rounds=3]
var count = args.Length > 0 ? int.Parse(args[0]) : 600;
var rounds = args.Length > 1 ? int.Parse(args[1]) : 3;
var compiled = CompiledBaseline.Shipped;
ImmutableArray<MetricSpec> metrics =
[
    new(MetricKind.Units, 2030, "byd", ["eu"]),
    new(MetricKind.Share, 2030, null, ["eu"]),
    new(MetricKind.TariffPaid, 2030, "byd"),
];
var scenarios = Enumerable.Range(0, count)
    .Select(i => new Scenario($"duty-{i}", [new TariffLever("eu", 0.3 * i / count, new DateOnly(2026, 1, 1), Powertrains: [NevGrains.Model.Data.Powertrain.Bev])]))
    .ToImmutableArray();

var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.UseOrleans(silo => silo.ConfigureNevGrains(new NevGrainsOptions { SiloPort = 21111, GatewayPort = 31000 }));
using var host = builder.Build();
await host.StartAsync();
var grains = host.Services.GetRequiredService<IGrainFactory>();

// Warm both paths (JIT, compiled baseline in the silo's cache).
RunParallel(scenarios.Take(Environment.ProcessorCount * 2).ToImmutableArray());
await RunBatch(scenarios.Take(100).ToImmutableArray());

Console.WriteLine($"{count} scenarios x {rounds} rounds on {Environment.ProcessorCount} cores (all markets and brands, 2025-2030)");
var parallel = new List<double>();
var cluster = new List<double>();
for (var round = 0; round < rounds; round++)
{
    parallel.Add(RunParallel(scenarios));
    cluster.Add(await RunBatch(scenarios));
    Console.WriteLine($"round {round + 1}: Parallel.For {parallel[^1]:0.0} scenarios/s, batch through the silo {cluster[^1]:0.0} scenarios/s, ratio {cluster[^1] / parallel[^1]:0.00}");
}
var p = Median(parallel);
var c = Median(cluster);
Console.WriteLine($"median: Parallel.For {p:0.0}/s, cluster batch {c:0.0}/s, ratio {c / p:0.00}");
await host.StopAsync();

double RunParallel(ImmutableArray<Scenario> items)
{
    var watch = Stopwatch.StartNew();
    var sink = new double[items.Length];
    Parallel.For(0, items.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
    {
        var result = ScenarioEngine.Run(compiled, items[i]);
        sink[i] = metrics.Sum(m => m.Evaluate(result, compiled));
    });
    return items.Length / watch.Elapsed.TotalSeconds;
}

async Task<double> RunBatch(ImmutableArray<Scenario> items)
{
    var id = Guid.NewGuid().ToString("N");
    var watch = Stopwatch.StartNew();
    await grains.GetGrain<IBatchGrain>(id).Submit(new BatchSpec("bench", BatchKind.Scenarios, metrics, items, ChunkSize: 10), Caller.Internal("bench"));
    while (true)
    {
        var status = await grains.GetGrain<IBatchGrain>(id).GetStatus();
        if (status!.IsFinished)
        {
            break;
        }
        await Task.Delay(5);
    }
    return items.Length / watch.Elapsed.TotalSeconds;
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted[sorted.Count / 2];
}
