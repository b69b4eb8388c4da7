using System.Diagnostics.Metrics;

namespace NevGrains.Grains.Batches;

/// <summary>
/// Batch work done on this silo (meter <c>NevGrains</c>, from the host's <see cref="IMeterFactory"/>): scraped per silo, it shows
/// where a batch's work lands.
/// </summary>
public sealed class BatchMetrics
{
    private readonly Counter<long> _itemsEvaluated;
    private readonly Counter<long> _chunksEvaluated;

    public BatchMetrics(IMeterFactory meters)
    {
        var meter = meters.Create("NevGrains");
        _itemsEvaluated = meter.CreateCounter<long>("nevgrains.batch.items.evaluated", "{item}", "Batch items evaluated on this silo");
        _chunksEvaluated = meter.CreateCounter<long>("nevgrains.batch.chunks.evaluated", "{chunk}", "Batch chunks evaluated on this silo");
    }

    public void ChunkEvaluated(int items)
    {
        _itemsEvaluated.Add(items);
        _chunksEvaluated.Add(1);
    }
}
