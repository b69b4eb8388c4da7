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
//        dotnet run -c Release --project bench/NevGrains.Cluster.Benchmarks -- fair [calls=40] [rounds=3]
var fair = args.Length > 0 && args[0] == "fair";
if (fair)
{
    args = args[1..];
}
var count = args.Length > 0 ? int.Parse(args[0]) : fair ? 40 : 600;
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
// Orleans' thread-pool stall warnings on a saturated 2-core machine are expected here and would bury the figures.
builder.Logging.AddFilter("Orleans", LogLevel.Error);
// Logs go to stderr: bench/run.sh copies stdout (the figures) into docs/benchmarks.md.
builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
builder.UseOrleans(silo => silo.ConfigureNevGrains(new NevGrainsOptions { SiloPort = 21111, GatewayPort = 31000 }));
using var host = builder.Build();
await host.StartAsync();
var grains = host.Services.GetRequiredService<IGrainFactory>();

// Warm both paths (JIT, compiled baseline in the silo's cache).
RunParallel(scenarios.Take(Environment.ProcessorCount * 2).ToImmutableArray());
await RunBatch(scenarios.Take(100).ToImmutableArray());

if (fair)
{
    await FairShare();
    await host.StopAsync();
    return;
}

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

// One planner's RunScenario calls (a lever scenario to 2030, filtered to BYD in 2027), one after another: on an idle silo (the
// baseline), then while another caller's 5,000-scenario batch keeps every core busy with more items queued.
async Task FairShare()
{
    var worker = grains.GetGrain<NevGrains.Contracts.Scenarios.IScenarioWorkerGrain>(0);
    var probe = new Scenario("probe", [new TariffLever("eu", 0.1, new DateOnly(2026, 1, 1))]);
    var filter = new ResultFilter(["byd"], [], [2027]);
    async Task<List<double>> Calls()
    {
        CallerOnCall.Set("interactive");
        var latencies = new List<double>();
        for (var i = 0; i < count; i++)
        {
            var watch = Stopwatch.StartNew();
            await worker.Run(probe, null, filter);
            latencies.Add(watch.Elapsed.TotalMilliseconds);
        }
        return latencies;
    }
    await Calls();
    Console.WriteLine($"{count} interactive calls per phase x {rounds} rounds on {Environment.ProcessorCount} cores");
    var ratios = new List<double>();
    for (var round = 0; round < rounds; round++)
    {
        var idle = await Calls();
        var id = Guid.NewGuid().ToString("N");
        var batch = grains.GetGrain<IBatchGrain>(id);
        var bulk = Enumerable.Range(0, 5_000).Select(i => scenarios[i % scenarios.Length] with { Name = $"bulk-{i}" }).ToImmutableArray();
        await batch.Submit(new BatchSpec("saturating", BatchKind.Scenarios, metrics, bulk, ChunkSize: 10), Caller.Internal("bulk"));
        var gate = host.Services.GetRequiredService<NevGrains.Grains.Compute.ComputeGate>();
        await gate.WaitFor(l => l.RunningBulk == l.Slots && l.QueuedBulk > 0, CancellationToken.None);
        var busy = await Calls();
        var status = await batch.GetStatus();
        await batch.Cancel(Caller.Internal("bulk"));
        await gate.WaitFor(l => l.Idle, CancellationToken.None);
        ratios.Add(Percentile(busy, 0.99) / Percentile(idle, 0.99));
        Console.WriteLine($"round {round + 1}: idle p50 {Percentile(idle, 0.5):0.0} ms p99 {Percentile(idle, 0.99):0.0} ms; " +
            $"beside the batch p50 {Percentile(busy, 0.5):0.0} ms p99 {Percentile(busy, 0.99):0.0} ms (p99 ratio {ratios[^1]:0.00}); " +
            $"the batch had done {status!.Completed} of {status.Total} when the calls ended");
    }
    Console.WriteLine($"median p99 ratio {Median(ratios):0.00}");
}

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToList();
    return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted[sorted.Count / 2];
}
