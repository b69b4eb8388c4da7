using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using NevGrains.Api.V1;
using NevGrains.Gateway.Tests.Support;
using NevGrains.Grains.Compute;

namespace NevGrains.Gateway.Tests.Services;

/// <summary>
/// Deadlines reach the model, and one caller's bulk work cannot hold another's interactive call behind it. Checked on the
/// embedded silo's compute gate, through its own change signal: orderings and counts, not timings.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class ComputeSharingTests(GatewayFixture gateway)
{
    private ComputeGate Gate => gateway.Host.Services.GetRequiredService<ComputeGate>();

    private static CancellationToken Test => TestContext.Current.CancellationToken;

    /// <summary>Seven levers, one per driver: an explanation of 2^7 = 128 runs.</summary>
    private static Scenario SevenDrivers() => new()
    {
        Name = "seven-drivers",
        Horizon = 2030,
        Levers =
        {
            new Lever { Tariff = new TariffLever { Jurisdiction = "eu", Rate = 0.2, From = "2026-01-01" } },
            new Lever { Price = new PriceLever { Brand = "byd", Change = -0.05, FromYear = 2027 } },
            new Lever { Plant = new PlantLever { Plant = "byd-szeged", StartDelayMonths = 12 } },
            new Lever { Stores = new StoresLever { Brand = "byd", Market = "de", Year = 2027, Stores = 300 } },
            new Lever { Chargers = new ChargersLever { Market = "de", Year = 2027, Growth = 0.2 } },
            new Lever { DemandShock = new DemandShockLever { Year = 2027, Shock = -0.05, Markets = { "de" } } },
            new Lever { CompetitorPrice = new CompetitorPriceLever { Change = -0.05, FromYear = 2027 } },
        },
    };

    [Fact]
    public async Task An_expired_deadline_is_deadline_exceeded_and_stops_the_explanations_runs()
    {
        var scenarios = gateway.Scenarios(Keys.CountedPlanner);
        var before = Gate.AdmittedOf("dora");
        var watch = Stopwatch.StartNew();

        var error = await RpcAssert.Fails(StatusCode.DeadlineExceeded, () => scenarios.ExplainScenarioAsync(
            new ExplainScenarioRequest { Scenario = SevenDrivers(), Metric = ExplainedMetric.Units },
            deadline: DateTime.UtcNow.AddMilliseconds(200), cancellationToken: Test).ResponseAsync);
        var answered = watch.Elapsed;
        await Gate.WaitFor(l => l.RunningInteractive + l.QueuedInteractive == 0, Test);

        // The 128 runs were queued at once; the cancellation took the waiting ones out before they started.
        var ran = Gate.AdmittedOf("dora") - before;
        Assert.InRange(ran, 0, 127);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"deadline 200 ms: answered after {answered.TotalMilliseconds:0} ms, idle after {watch.Elapsed.TotalMilliseconds:0} ms, {ran} of 128 runs started");
    }

    [Fact]
    public async Task An_interactive_call_is_served_while_another_callers_batch_saturates_the_silo()
    {
        var saturating = gateway.Batches(Keys.OtherPlanner);
        var id = "fair-" + Guid.NewGuid().ToString("N")[..12];
        await saturating.SubmitBatchAsync(new SubmitBatchRequest { BatchId = id, Spec = Requests.SweepBatch(400) }, cancellationToken: Test);
        try
        {
            // Every slot busy with the batch and more of its items waiting.
            await Gate.WaitFor(l => l.RunningBulk == l.Slots && l.QueuedBulk > 0, Test);

            var answer = await gateway.Scenarios(Keys.CountedPlanner).RunScenarioAsync(
                new RunScenarioRequest { Scenario = Requests.EuTariff(0.1), Filter = new ResultFilter { Owners = { "byd" }, Years = { 2027 } } },
                cancellationToken: Test);

            Assert.NotEmpty(answer.Result.Cells);
            var batch = await saturating.GetBatchAsync(new GetBatchRequest { BatchId = id }, cancellationToken: Test);
            Assert.Equal(BatchState.Running, batch.Status.State); // answered ahead of the batch's queued items, not after them
            Assert.True(batch.Status.Completed < batch.Status.Total, $"{batch.Status.Completed} of {batch.Status.Total}");
        }
        finally
        {
            await saturating.CancelBatchAsync(new CancelBatchRequest { BatchId = id }, cancellationToken: Test);
        }
    }
}
