using System.Collections.Immutable;
using System.Text.Json.Serialization;
using NevGrains.Model.Experiments;
using NevGrains.Model.Results;
using NevGrains.Model.Scenarios;

namespace NevGrains.Contracts.Batches;

[JsonConverter(typeof(JsonStringEnumConverter<BatchKind>))]
public enum BatchKind
{
    /// <summary>A list of scenarios, each read through the batch's metrics.</summary>
    Scenarios,
    /// <summary>The points of a parameter variation.</summary>
    Sweep,
    /// <summary>The draws of a Monte Carlo run (base and scenario per draw).</summary>
    MonteCarlo,
}

[JsonConverter(typeof(JsonStringEnumConverter<BatchState>))]
public enum BatchState
{
    Running,
    Completed,
    Cancelled,
}

/// <summary>What a batch runs. Exactly one of <see cref="Scenarios"/>, <see cref="Sweep"/>, <see cref="MonteCarlo"/> is set, per <see cref="Kind"/>.</summary>
[GenerateSerializer, Immutable, Alias("nev.BatchSpec")]
public sealed record BatchSpec(
    [property: Id(0)] string Name,
    [property: Id(1)] BatchKind Kind,
    [property: Id(2)] ImmutableArray<MetricSpec> Metrics = default,
    [property: Id(3)] ImmutableArray<Scenario> Scenarios = default,
    [property: Id(4)] SweepSpec? Sweep = null,
    [property: Id(5)] MonteCarloSpec? MonteCarlo = null,
    [property: Id(6)] string? DatasetVersion = null,
    [property: Id(7)] int ChunkSize = 0)
{
    public const int DefaultChunkSize = 50;

    public ImmutableArray<MetricSpec> EffectiveMetrics => Kind switch
    {
        BatchKind.Sweep => Sweep?.Metrics ?? [],
        BatchKind.MonteCarlo => MonteCarlo?.Metrics ?? [],
        _ => Metrics.IsDefault ? [] : Metrics,
    };

    public long ItemCount => Work("").ItemCount;

    /// <summary>The batch as the experiment runner sees it, on <paramref name="datasetVersion"/>.</summary>
    public ExperimentWork Work(string datasetVersion) => Kind switch
    {
        BatchKind.Sweep => new ExperimentWork(ExperimentKind.Sweep, datasetVersion, Sweep: Sweep),
        BatchKind.MonteCarlo => new ExperimentWork(ExperimentKind.MonteCarlo, datasetVersion, MonteCarlo: MonteCarlo),
        _ => new ExperimentWork(ExperimentKind.Scenarios, datasetVersion, Metrics, Scenarios),
    };

    /// <summary>Where the spec's items sit in the API request, for issue paths.</summary>
    public string ItemsPath => Kind switch
    {
        BatchKind.Sweep => "spec.sweep",
        BatchKind.MonteCarlo => "spec.monteCarlo",
        _ => "spec.scenarios",
    };
}

/// <summary>One item's outcome: its metric values (and, for Monte Carlo, the base run's), or the error it hit.</summary>
[GenerateSerializer, Immutable, Alias("nev.BatchItemResult")]
public sealed record BatchItemResult(
    [property: Id(0)] long Index,
    [property: Id(1)] string Label,
    [property: Id(2)] ImmutableArray<double> Values,
    [property: Id(3)] string DatasetVersion,
    [property: Id(4)] ImmutableArray<double> BaseValues = default,
    [property: Id(5)] string? Error = null)
{
    public static BatchItemResult Of(ItemResult item, string datasetVersion) =>
        new(item.Index, item.Label, item.Values, datasetVersion, item.BaseValues, item.Error);
}

[GenerateSerializer, Immutable, Alias("nev.BatchStatus")]
public sealed record BatchStatus(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] BatchKind Kind,
    [property: Id(3)] BatchState State,
    [property: Id(4)] long Total,
    [property: Id(5)] long Completed,
    [property: Id(6)] string DatasetVersion,
    [property: Id(7)] string Owner,
    [property: Id(8)] ImmutableArray<string> Metrics,
    [property: Id(9)] DateTimeOffset CreatedAt,
    [property: Id(10)] DateTimeOffset UpdatedAt,
    [property: Id(11)] DateTimeOffset? FinishedAt,
    [property: Id(12)] int ChunkSize,
    [property: Id(13)] long Failed = 0,
    [property: Id(14)] ImmutableDictionary<string, long>? ItemsBySilo = null,
    [property: Id(15)] int ChunksInFlight = 0)
{
    /// <summary>No more work will start (a cancelled batch may still have <see cref="ChunksInFlight"/> chunks finishing).</summary>
    public bool IsFinished => State != BatchState.Running;

    public double Progress => Total > 0 ? Completed / (double)Total : 1;
}

/// <summary>What a chunk grain evaluates: the items [From, From + Count) of a batch's work (scenario inputs are the chunk's own).</summary>
[GenerateSerializer, Immutable, Alias("nev.ChunkWork")]
public sealed record ChunkWork(
    [property: Id(0)] string BatchId,
    [property: Id(1)] int Chunk,
    [property: Id(2)] long From,
    [property: Id(3)] int Count,
    [property: Id(4)] ExperimentWork Work,
    [property: Id(5)] string Owner = CallerOnCall.Internal);

/// <summary>What a chunk run stored: how many items, and how many of them ended in an error.</summary>
[GenerateSerializer, Immutable, Alias("nev.ChunkOutcome")]
public sealed record ChunkOutcome([property: Id(0)] int Items, [property: Id(1)] int Errors, [property: Id(2)] string Silo);

/// <summary>Limits a batch is checked against at submission.</summary>
public static class BatchLimits
{
    public const long MaxItems = 200_000;
    public const int MaxChunkSize = 1_000;
}

/// <summary>A batch chunk recorded as done whose results storage no longer holds: the stream says so instead of skipping them.</summary>
[GenerateSerializer, Alias("nev.BatchResultsMissingException")]
public sealed class BatchResultsMissingException : Exception
{
    public BatchResultsMissingException(string message) : base(message)
    {
    }
}
