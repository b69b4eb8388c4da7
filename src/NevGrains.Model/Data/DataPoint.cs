using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace NevGrains.Model.Data;

/// <summary>How far a number can be trusted; the tags of <c>facts/FACTS.md</c> plus A for a named assumption.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DataStatus>))]
public enum DataStatus
{
    /// <summary>Checked against the named source.</summary>
    V,
    /// <summary>Derived by arithmetic from checked numbers; the note shows the calculation.</summary>
    D,
    /// <summary>Recollection, not checked; kept only with a note saying so.</summary>
    R,
    /// <summary>Sources disagree; the value is the one used and the alternatives are kept.</summary>
    C,
    /// <summary>An explicit assumption; its source entry is of kind assumption and carries a rationale.</summary>
    A,
}

/// <summary>One number of the baseline with its unit, provenance and status.</summary>
[GenerateSerializer, Immutable, Alias("nev.DataPoint")]
public sealed record DataPoint(
    [property: Id(0)] double Value,
    [property: Id(1)] string? Unit,
    [property: Id(2)] DataStatus Status,
    [property: Id(3)] string? Source,
    [property: Id(4)] string? Note = null,
    [property: Id(5)] ImmutableArray<DataAlternative> Alternatives = default)
{
    /// <summary>An assumption-backed value, used by scenario levers and tests to build data points.</summary>
    public static DataPoint Assumed(double value, string unit, string source) => new(value, unit, DataStatus.A, source);

    public DataPoint WithValue(double value) => this with { Value = value };
}

/// <summary>A value a different source gives for the same quantity (status C).</summary>
[GenerateSerializer, Immutable, Alias("nev.DataAlternative")]
public sealed record DataAlternative(
    [property: Id(0)] double Value,
    [property: Id(1)] string? Source,
    [property: Id(2)] string? Note = null);
