using System.Collections.Immutable;
using NevGrains.Contracts.Batches;
using NevGrains.Model.Results;
using NevGrains.Model.Scenarios;

namespace NevGrains.Grains.Tests.Support;

internal static class BatchHelpers
{
    public static readonly ImmutableArray<MetricSpec> Metrics =
    [
        new MetricSpec(MetricKind.Units, 2030, "alpha"),
        new MetricSpec(MetricKind.TariffPaid, 2030, "alpha", ["de"]),
    ];

    /// <summary>Scenarios that differ: alpha's price moves by a different step in each.</summary>
    public static ImmutableArray<Scenario> Scenarios(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new Scenario($"price-{i}", [new PriceLever("alpha", -0.2 + 0.4 * i / Math.Max(1, count - 1), 2026)]))];

    public static async Task<BatchStatus> WaitUntilFinished(IGrainFactory grains, string id, TimeSpan timeout)
    {
        var batch = grains.GetGrain<IBatchGrain>(id);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var status = await batch.GetStatus();
            if (status is { IsFinished: true })
            {
                return status;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"batch {id} not finished after {timeout}: {status}");
            }
            await Task.Delay(100);
        }
    }

    public static async Task<List<BatchItemResult>> ReadAll(IGrainFactory grains, string id, BatchStatus status)
    {
        var results = new List<BatchItemResult>();
        var chunks = (int)((status.Total + status.ChunkSize - 1) / status.ChunkSize);
        for (var c = 0; c < chunks; c++)
        {
            results.AddRange(await grains.GetGrain<IBatchChunkGrain>(IBatchChunkGrain.KeyOf(id, c)).GetResults());
        }
        return results;
    }
}
