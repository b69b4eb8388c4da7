using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Grpc.Health.V1;
using Grpc.Net.Client;
using NevGrains.Gateway.Benchmarks;
using NevGrains.Gateway.Mapping;
using NevGrains.Model.Engine;
using NevGrains.TestSupport;
using Wire = NevGrains.Api.V1;

// Usage (bench/run.sh runs both; docs/benchmarks.md explains the figures):
//   dotnet run -c Release --project bench/NevGrains.Gateway.Benchmarks -- calls [calls=200] [rounds=3] [out.md]
//       RunScenario / CompareScenario / health on the embedded gateway (a silo in this process), 1 caller and 8 callers,
//       beside the same scenarios run in-process.
//   dotnet run -c Release --project bench/NevGrains.Gateway.Benchmarks -- batch <gateway url|embedded> [scenarios=600] [rounds=3] [out.md]
//       a scenario batch submitted and streamed back through a gateway (RunBatchStream), beside Parallel.For in-process.
//   dotnet run -c Release --project bench/NevGrains.Gateway.Benchmarks -- stream <gateway url> [scenarios=100000] [out.md]
//       one long batch through the gateway alone (bench/run.sh samples the processes' memory meanwhile).
var culture = CultureInfo.InvariantCulture;
CultureInfo.DefaultThreadCurrentCulture = culture;
var mode = args.Length > 0 ? args[0] : "calls";
string Arg(int i, string fallback) => args.Length > i ? args[i] : fallback;
var compiled = CompiledBaseline.Shipped;
var szeged = new JsonParser(JsonParser.Settings.Default).Parse<Wire.Scenario>(
    File.ReadAllText(Path.Combine(RepositoryPaths.Root, "examples", "byd-szeged-eu-duty.scenario.json")));
var machine = $"{Environment.ProcessorCount} cores, .NET {Environment.Version}";

switch (mode)
{
    case "calls":
    {
        var calls = int.Parse(Arg(1, "200"), culture);
        var rounds = int.Parse(Arg(2, "3"), culture);
        await using var gateway = await EmbeddedGateway.Start();
        var report = await CallFigures(gateway.Channel, calls, rounds);
        Emit(report, Arg(3, ""));
        break;
    }
    case "batch" or "stream":
    {
        var stream = mode == "stream";
        var target = Arg(1, "embedded");
        var count = int.Parse(Arg(2, stream ? "100000" : "600"), culture);
        var rounds = stream ? 1 : int.Parse(Arg(3, "3"), culture);
        await using var embedded = target == "embedded" ? await EmbeddedGateway.Start() : null;
        using var remote = embedded is null ? GrpcChannel.ForAddress(target, EmbeddedGateway.ChannelOptions) : null;
        var where = target == "embedded" ? "the embedded gateway" : $"the gateway at {target}";
        var report = await BatchFigures(embedded?.Channel ?? remote!, where, count, rounds, alongsideInProcess: !stream);
        Emit(report, Arg(stream ? 3 : 4, ""));
        break;
    }
    default:
        Console.Error.WriteLine("usage: calls [calls] [rounds] [out.md] | batch <gateway url|embedded> [scenarios] [rounds] [out.md] | stream <gateway url|embedded> [scenarios] [out.md]");
        return 2;
}
return 0;

// One caller: each round times `calls` calls of each kind one after another, then the same scenarios in-process; 8 callers: the
// same lever scenario `calls` times from 8 concurrent callers, against Parallel.For over as many in-process runs.
async Task<string> CallFigures(GrpcChannel channel, int calls, int rounds)
{
    var scenarios = new Wire.ScenarioService.ScenarioServiceClient(channel);
    var health = new Health.HealthClient(channel);
    var baseRequest = new Wire.RunScenarioRequest { Scenario = new Wire.Scenario { Name = "base" } };
    var leverRequest = new Wire.RunScenarioRequest { Scenario = szeged };
    var compareRequest = new Wire.CompareScenarioRequest { Scenario = szeged };
    var baseModel = RequestMapper.Scenario(baseRequest.Scenario);
    var leverModel = RequestMapper.Scenario(szeged);

    async Task<List<double>> Timed(Func<Task> call, int n)
    {
        var latencies = new List<double>(n);
        for (var i = 0; i < n; i++)
        {
            var watch = Stopwatch.StartNew();
            await call();
            latencies.Add(watch.Elapsed.TotalMilliseconds);
        }
        return latencies;
    }
    List<double> InProcess(NevGrains.Model.Scenarios.Scenario scenario, int n)
    {
        var latencies = new List<double>(n);
        for (var i = 0; i < n; i++)
        {
            var watch = Stopwatch.StartNew();
            ScenarioEngine.Run(compiled, scenario);
            latencies.Add(watch.Elapsed.TotalMilliseconds);
        }
        return latencies;
    }
    async Task<double> EightCallers(int n)
    {
        var watch = Stopwatch.StartNew();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < n)
            {
                await scenarios.RunScenarioAsync(leverRequest);
            }
        }));
        return n / watch.Elapsed.TotalSeconds;
    }
    double ParallelFor(int n)
    {
        var watch = Stopwatch.StartNew();
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, _ => ScenarioEngine.Run(compiled, leverModel));
        return n / watch.Elapsed.TotalSeconds;
    }

    // Warm-up: JIT, the silo's compiled baseline and base-run cache, HTTP/2 connection.
    await Timed(async () => await health.CheckAsync(new HealthCheckRequest()), 20);
    await Timed(async () => await scenarios.RunScenarioAsync(baseRequest), 10);
    await Timed(async () => await scenarios.RunScenarioAsync(leverRequest), 10);
    await Timed(async () => await scenarios.CompareScenarioAsync(compareRequest), 10);
    InProcess(baseModel, 10);
    InProcess(leverModel, 10);

    var figures = new Figures();
    for (var round = 0; round < rounds; round++)
    {
        figures.Add("health", await Timed(async () => await health.CheckAsync(new HealthCheckRequest()), calls));
        figures.Add("in-process base", InProcess(baseModel, calls));
        figures.Add("run base", await Timed(async () => await scenarios.RunScenarioAsync(baseRequest), calls));
        figures.Add("in-process lever", InProcess(leverModel, calls));
        figures.Add("run lever", await Timed(async () => await scenarios.RunScenarioAsync(leverRequest), calls));
        figures.Add("compare lever", await Timed(async () => await scenarios.CompareScenarioAsync(compareRequest), calls));
        figures.AddValue("parallel", ParallelFor(calls));
        figures.AddValue("eight callers", await EightCallers(calls));
        Console.WriteLine($"round {round + 1} done");
    }

    var table = new MarkdownTable("figure", "median", "spread over rounds", "baseline (same process)", "ratio", "goal");
    table.Row("health check, p50", figures.Ms("health", 0.5), figures.MsSpread("health", 0.5), "", "", "");
    table.Row("RunScenario base, full result, p50", figures.Ms("run base", 0.5), figures.MsSpread("run base", 0.5),
        $"in-process base {figures.Ms("in-process base", 0.5)}", figures.Ratio("run base", "in-process base", 0.5), "≤ 1.5 ms");
    table.Row("RunScenario base, full result, p99", figures.Ms("run base", 0.99), figures.MsSpread("run base", 0.99), "", "", "≤ 5 ms");
    table.Row("RunScenario Szeged example, full result, p50", figures.Ms("run lever", 0.5), figures.MsSpread("run lever", 0.5),
        $"in-process {figures.Ms("in-process lever", 0.5)}", figures.Ratio("run lever", "in-process lever", 0.5), "");
    table.Row("RunScenario Szeged example, p99", figures.Ms("run lever", 0.99), figures.MsSpread("run lever", 0.99), "", "", "≤ 5 ms");
    table.Row("CompareScenario Szeged example, p50", figures.Ms("compare lever", 0.5), figures.MsSpread("compare lever", 0.5),
        $"RunScenario {figures.Ms("run lever", 0.5)}", figures.Ratio("compare lever", "run lever", 0.5), "ratio ≤ 1.2");
    table.Row("8 callers, Szeged example, scenarios/s", figures.PerSecond("eight callers"), figures.PerSecondSpread("eight callers"),
        $"Parallel.For in-process {figures.PerSecond("parallel")}/s", figures.ValueRatio("eight callers", "parallel"), "ratio ≥ 0.8");
    return $"gRPC on loopback to the embedded gateway (a silo in the same process, in-memory state), {calls} calls per figure and round, " +
        $"{rounds} rounds; the client runs in the same process; {machine}. Latencies are per call, one call at a time.\n\n{table}";
}

// Each round: the batch in-process with Parallel.For, then the same batch through the gateway (RunBatchStream: submit, then every
// result streamed back to this client).
async Task<string> BatchFigures(GrpcChannel channel, string where, int count, int rounds, bool alongsideInProcess)
{
    var batches = new Wire.BatchService.BatchServiceClient(channel);
    var wireScenarios = Enumerable.Range(0, count).Select(i => new Wire.Scenario
    {
        Name = $"duty-{i}",
        Levers =
        {
            new Wire.Lever
            {
                Tariff = new Wire.TariffLever
                {
                    Jurisdiction = "eu", Rate = 0.3 * i / count, From = "2026-01-01", Powertrains = { Wire.Powertrain.Bev },
                },
            },
        },
    }).ToList();
    var metrics = new[]
    {
        new Wire.MetricSpec { Metric = Wire.MetricKind.Units, Year = 2030, Owner = "byd", Markets = { "eu" } },
        new Wire.MetricSpec { Metric = Wire.MetricKind.TariffPaid, Year = 2030, Owner = "byd" },
    };
    var models = wireScenarios.Select(s => RequestMapper.Scenario(s)).ToArray();
    var modelMetrics = RequestMapper.Metrics(metrics, "metrics");

    double ParallelFor()
    {
        var watch = Stopwatch.StartNew();
        var sink = new double[models.Length];
        Parallel.For(0, models.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var result = ScenarioEngine.Run(compiled, models[i]);
            sink[i] = modelMetrics.Sum(m => m.Evaluate(result, compiled));
        });
        return models.Length / watch.Elapsed.TotalSeconds;
    }
    async Task<double> ThroughGateway(IEnumerable<Wire.Scenario> items, int expected)
    {
        var watch = Stopwatch.StartNew();
        var spec = new Wire.BatchSpec { Name = "bench", ChunkSize = 10, Scenarios = new Wire.ScenarioList { Metrics = { metrics } } };
        spec.Scenarios.Scenarios.AddRange(items);
        using var call = batches.RunBatchStream(new Wire.RunBatchStreamRequest { BatchId = Guid.NewGuid().ToString("N"), Spec = spec });
        var results = 0;
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            if (call.ResponseStream.Current.EventCase == Wire.RunBatchStreamResponse.EventOneofCase.Result)
            {
                results++;
            }
        }
        if (results != expected)
        {
            throw new InvalidOperationException($"the batch streamed {results} results, not {expected}");
        }
        return expected / watch.Elapsed.TotalSeconds;
    }

    if (!alongsideInProcess)
    {
        var watch = Stopwatch.StartNew();
        var rate = await ThroughGateway(wireScenarios, count);
        return $"{count:N0} EU-duty scenarios (2025-2030, 2 metrics each) submitted and streamed back through {where} (RunBatchStream) " +
            $"in {watch.Elapsed.TotalSeconds:0} s: {rate:0.0} scenarios/s; {machine}.";
    }
    ParallelFor();
    await ThroughGateway(wireScenarios.Take(50), 50);
    var figures = new Figures();
    for (var round = 0; round < rounds; round++)
    {
        figures.AddValue("parallel", ParallelFor());
        figures.AddValue("gateway", await ThroughGateway(wireScenarios, count));
        Console.WriteLine($"round {round + 1}: Parallel.For {figures.Last("parallel"):0.0}/s, through {where} {figures.Last("gateway"):0.0}/s");
    }
    var table = new MarkdownTable("figure", "median", "spread over rounds", "baseline (same process)", "ratio", "goal");
    table.Row($"batch of {count:N0} through {where}, scenarios/s", figures.PerSecond("gateway"), figures.PerSecondSpread("gateway"),
        $"Parallel.For in-process {figures.PerSecond("parallel")}/s", figures.ValueRatio("gateway", "parallel"), "ratio ≥ 0.9");
    return $"A batch of {count:N0} EU-duty scenarios (2025-2030, 2 metrics each) submitted and streamed back through {where} " +
        $"(RunBatchStream), against Parallel.For over the same scenarios in this process, {rounds} rounds alternating; {machine}.\n\n{table}";
}

void Emit(string report, string path)
{
    Console.WriteLine();
    Console.WriteLine(report);
    if (path.Length > 0)
    {
        File.WriteAllText(path, report + "\n");
    }
}
