using System.Collections.Immutable;
using NevGrains.Model.Data;

namespace NevGrains.Grains.Data;

/// <summary>The dataset grain's persisted state: the dataset-wide files, the entity ids and versions, the revision.</summary>
[GenerateSerializer, Alias("nev.DatasetState")]
public sealed class DatasetState
{
    [Id(0)] public DatasetManifest? Manifest { get; set; }
    [Id(1)] public ImmutableArray<SourceEntry> Sources { get; set; } = [];
    [Id(2)] public ImmutableArray<CompetitorData> Competitors { get; set; } = [];
    [Id(3)] public ImmutableArray<TariffSchedule> Tariffs { get; set; } = [];
    [Id(4)] public ImmutableArray<FreightLane> Freight { get; set; } = [];
    [Id(5)] public ImmutableDictionary<string, long> MarketVersions { get; set; } = ImmutableDictionary<string, long>.Empty;
    [Id(6)] public ImmutableDictionary<string, long> BrandVersions { get; set; } = ImmutableDictionary<string, long>.Empty;
    [Id(7)] public string BaseVersion { get; set; } = "";
    [Id(8)] public long Revision { get; set; }
    [Id(9)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(10)] public string UpdatedBy { get; set; } = "";

    public string Version => $"{BaseVersion}+r{Revision}";

    /// <summary>A copy to put back if a publish fails (every member is immutable).</summary>
    public DatasetState Copy() => (DatasetState)MemberwiseClone();
}

/// <summary>A market grain's persisted state.</summary>
[GenerateSerializer, Alias("nev.MarketState")]
public sealed class MarketState : IVersionedState<MarketData>
{
    MarketData? IVersionedState<MarketData>.Data { get => Market; set => Market = value; }

    [Id(0)] public MarketData? Market { get; set; }
    [Id(1)] public long Version { get; set; }
    [Id(2)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(3)] public string UpdatedBy { get; set; } = "";
}

/// <summary>A brand grain's persisted state.</summary>
[GenerateSerializer, Alias("nev.BrandState")]
public sealed class BrandState : IVersionedState<BrandData>
{
    BrandData? IVersionedState<BrandData>.Data { get => Brand; set => Brand = value; }

    [Id(0)] public BrandData? Brand { get; set; }
    [Id(1)] public long Version { get; set; }
    [Id(2)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(3)] public string UpdatedBy { get; set; } = "";
}

/// <summary>A frozen dataset version.</summary>
[GenerateSerializer, Alias("nev.SnapshotState")]
public sealed class SnapshotState
{
    [Id(0)] public Dataset? Dataset { get; set; }
}
