using System.Collections.Immutable;
using NevGrains.Contracts.Batches;
using NevGrains.Model.Scenarios;

namespace NevGrains.Grains.Batches;

/// <summary>A batch's persisted progress. The scenario list itself lives in the chunk grains.</summary>
[GenerateSerializer, Alias("nev.BatchGrainState")]
public sealed class BatchGrainState
{
    [Id(0)] public BatchSpec? Spec { get; set; }
    [Id(1)] public string Owner { get; set; } = "";
    [Id(2)] public BatchState State { get; set; }
    [Id(3)] public long Total { get; set; }
    [Id(4)] public int ChunkSize { get; set; }
    [Id(5)] public int ChunkCount { get; set; }
    [Id(6)] public string DatasetVersion { get; set; } = "";
    /// <summary>One bit per chunk: set once its results are stored.</summary>
    [Id(7)] public byte[] Done { get; set; } = [];
    [Id(8)] public long Completed { get; set; }
    [Id(9)] public DateTimeOffset CreatedAt { get; set; }
    [Id(10)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(11)] public DateTimeOffset? FinishedAt { get; set; }
    [Id(12)] public long Failed { get; set; }
    /// <summary>Items computed per silo: shows an admin (and a test) that work spreads over the cluster.</summary>
    [Id(13)] public ImmutableDictionary<string, long> ItemsBySilo { get; set; } = ImmutableDictionary<string, long>.Empty;

    public bool IsDone(int chunk) => (Done[chunk >> 3] & (1 << (chunk & 7))) != 0;

    public void MarkDone(int chunk) => Done[chunk >> 3] |= (byte)(1 << (chunk & 7));
}

/// <summary>A chunk's persisted inputs and results.</summary>
[GenerateSerializer, Alias("nev.BatchChunkState")]
public sealed class BatchChunkState
{
    [Id(0)] public ImmutableArray<Scenario> Inputs { get; set; } = [];
    [Id(1)] public ImmutableArray<BatchItemResult> Results { get; set; } = [];
    [Id(2)] public bool Done { get; set; }
    /// <summary>The silo that computed the results.</summary>
    [Id(3)] public string Silo { get; set; } = "";
}
