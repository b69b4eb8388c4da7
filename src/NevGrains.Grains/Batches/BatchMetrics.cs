using System.Diagnostics.Metrics;

namespace NevGrains.Grains.Batches;

/// <summary>Batch work done on this silo (meter <c>NevGrains</c>): scraped per silo, it shows where a batch's work lands.</summary>
internal static class BatchMetrics
{
    private static readonly Meter Meter = new("NevGrains");

    private static readonly Counter<long> ItemsEvaluated = Meter.CreateCounter<long>("nevgrains.batch.items.evaluated", "{item}",
        "Batch items evaluated on this silo");

    private static readonly Counter<long> ChunksEvaluated = Meter.CreateCounter<long>("nevgrains.batch.chunks.evaluated", "{chunk}",
        "Batch chunks evaluated on this silo");

    public static void ChunkEvaluated(int items)
    {
        ItemsEvaluated.Add(items);
        ChunksEvaluated.Add(1);
    }
}
