using BenchmarkDotNet.Attributes;
using NevGrains.Model.Data;
using NevGrains.Model.Engine;
using NevGrains.Model.Experiments;
using NevGrains.Model.Results;
using NevGrains.Model.Scenarios;

namespace NevGrains.Model.Benchmarks;

/// <summary>
/// One full scenario (every market and brand, 2025-2030) on the shipped baseline. The baseline of the ratio is the base
/// scenario; the Szeged storyline adds tariff and plant levers (its own tariff book).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 15)]
public class ScenarioBenchmarks
{
    private CompiledBaseline _compiled = null!;
    private Scenario _storyline = null!;

    [GlobalSetup]
    public void Setup()
    {
        _compiled = CompiledBaseline.Shipped;
        _storyline = new Scenario("szeged-late-minimum-price",
        [
            new PlantLever("byd-szeged", StartDelayMonths: 12),
            new PriceUndertakingLever("eu", "byd", 30_000, new DateOnly(2026, 7, 1), QuotaUnits: 100_000),
        ]);
        ScenarioEngine.Run(_compiled, Scenario.Base());
    }

    [Benchmark(Baseline = true)]
    public ScenarioResult BaseScenario() => ScenarioEngine.Run(_compiled, Scenario.Base());

    [Benchmark]
    public ScenarioResult SzegedLateWithMinimumPrice() => ScenarioEngine.Run(_compiled, _storyline);
}

/// <summary>
/// A 1,000-draw Monte Carlo (base and scenario per draw, common random numbers) on all cores, against the same 2,000 runs
/// one after another on one core: the ratio is the parallel speed-up on this machine.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class MonteCarloBenchmarks
{
    private CompiledBaseline _compiled = null!;
    private MonteCarloSpec _spec = null!;

    [GlobalSetup]
    public void Setup()
    {
        _compiled = CompiledBaseline.Shipped;
        _spec = new MonteCarloSpec(
            new Scenario("eu-duty-plus-20", [new TariffLever("eu", 0.20, new DateOnly(2026, 1, 1), Powertrains: [Powertrain.Bev])]),
            1_000, 42, [new MetricSpec(MetricKind.BevUnits, 2030, Markets: ["eu"])]);
    }

    [Benchmark(Baseline = true)]
    public MonteCarloResult OneCore() => MonteCarlo.Run(_spec, _compiled, maxParallelism: 1);

    [Benchmark]
    public MonteCarloResult AllCores() => MonteCarlo.Run(_spec, _compiled);
}
