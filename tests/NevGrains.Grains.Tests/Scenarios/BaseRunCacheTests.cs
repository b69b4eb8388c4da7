using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NevGrains.Grains.Compute;
using NevGrains.Grains.Scenarios;
using NevGrains.Model.Engine;
using NevGrains.Model.Results;
using NevGrains.Model.Scenarios;
using NevGrains.TestSupport;

namespace NevGrains.Grains.Tests.Scenarios;

public sealed class BaseRunCacheTests : IDisposable
{
    private static readonly CompiledBaseline Compiled = new(SyntheticDataset.Small());

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task A_base_run_that_failed_is_run_again_for_the_next_asker_and_a_good_one_is_kept()
    {
        var gate = new ComputeGate(Options.Create(new ComputeOptions { Slots = 1 }), _services.GetRequiredService<IMeterFactory>());
        var runs = 0;
        var cache = new BaseRunCache(gate, (compiled, scenario) =>
        {
            if (Interlocked.Increment(ref runs) == 1)
            {
                throw new InvalidOperationException("storage hiccup while the first base ran");
            }
            return ScenarioEngine.Run(compiled, scenario, cancellationToken: TestContext.Current.CancellationToken);
        });
        var scenario = new Scenario("asker", [], Horizon: 2027);

        await Assert.ThrowsAsync<InvalidOperationException>(() => cache.BaseOf(Compiled, scenario));
        var second = await cache.BaseOf(Compiled, scenario);
        var third = await cache.BaseOf(Compiled, scenario);

        Assert.Equal(2, runs);
        Assert.Same(second, third);
        Assert.Equal(2027, second.Horizon);
    }
}
