using System.Text.Json.Serialization;

namespace NevGrains.Model.Data;

[JsonConverter(typeof(JsonStringEnumConverter<SourceKind>))]
public enum SourceKind
{
    [JsonStringEnumMemberName("source")] Source,
    [JsonStringEnumMemberName("assumption")] Assumption,
}

/// <summary>
/// An entry of <c>sources.json</c>: a publication (title, URL, date) or a named assumption with its rationale.
/// Data points refer to entries by id.
/// </summary>
[GenerateSerializer, Immutable, Alias("nev.SourceEntry")]
public sealed record SourceEntry(
    [property: Id(0)] string Id,
    [property: Id(1)] SourceKind Kind,
    [property: Id(2)] string Title,
    [property: Id(3)] string? Url = null,
    [property: Id(4)] string? Date = null,
    [property: Id(5)] string? Rationale = null);
