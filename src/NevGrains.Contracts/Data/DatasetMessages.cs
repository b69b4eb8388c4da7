using System.Collections.Immutable;
using NevGrains.Model.Data;

namespace NevGrains.Contracts.Data;

/// <summary>The current dataset: its version (base version + revision), and the version of every brand and market.</summary>
[GenerateSerializer, Immutable, Alias("nev.DatasetInfo")]
public sealed record DatasetInfo(
    [property: Id(0)] string Version,
    [property: Id(1)] string BaseVersion,
    [property: Id(2)] long Revision,
    [property: Id(3)] ImmutableDictionary<string, long> MarketVersions,
    [property: Id(4)] ImmutableDictionary<string, long> BrandVersions,
    [property: Id(5)] DateTimeOffset UpdatedAt,
    [property: Id(6)] string UpdatedBy);

/// <summary>An entity after a change: its new version and the dataset version that contains it.</summary>
[GenerateSerializer, Immutable, Alias("nev.EntityVersion")]
public sealed record EntityVersion(
    [property: Id(0)] string Entity,
    [property: Id(1)] long Version,
    [property: Id(2)] string DatasetVersion);

[GenerateSerializer, Immutable, Alias("nev.MarketSnapshot")]
public sealed record MarketSnapshot(
    [property: Id(0)] MarketData Market,
    [property: Id(1)] long Version,
    [property: Id(2)] DateTimeOffset UpdatedAt,
    [property: Id(3)] string UpdatedBy);

[GenerateSerializer, Immutable, Alias("nev.BrandSnapshot")]
public sealed record BrandSnapshot(
    [property: Id(0)] BrandData Brand,
    [property: Id(1)] long Version,
    [property: Id(2)] DateTimeOffset UpdatedAt,
    [property: Id(3)] string UpdatedBy);

/// <summary>An update that expected another version of the entity: someone changed it first. Nothing was written.</summary>
[GenerateSerializer, Alias("nev.VersionConflictException")]
public sealed class VersionConflictException : Exception
{
    public VersionConflictException(string entity, long expected, long actual)
        : base($"{entity} is at version {actual}, not {expected}: reload it and apply the change again")
    {
        Entity = entity;
        Expected = expected;
        Actual = actual;
    }

    [Id(0)] public string Entity { get; private set; }
    [Id(1)] public long Expected { get; private set; }
    [Id(2)] public long Actual { get; private set; }
}

/// <summary>A data change that would make the dataset invalid; the issues name file, entity and field. Nothing was written.</summary>
[GenerateSerializer, Alias("nev.DataValidationException")]
public sealed class DataValidationException : Exception
{
    public DataValidationException(IReadOnlyList<DataIssue> issues)
        : base(issues.Count == 0 ? "the data is invalid" : $"the data is invalid ({issues.Count} issue(s)); first: {issues[0]}")
    {
        Issues = [.. issues.Select(i => i.ToString())];
    }

    [Id(0)] public ImmutableArray<string> Issues { get; private set; }
}

/// <summary>An id that names no brand, market, batch or dataset version.</summary>
[GenerateSerializer, Alias("nev.NotFoundException")]
public sealed class NotFoundException : Exception
{
    public NotFoundException(string what, string id) : base($"{what} '{id}' does not exist")
    {
        What = what;
        Id = id;
    }

    [Id(0)] public string What { get; private set; }
    [Id(1)] public string Id { get; private set; }
}
