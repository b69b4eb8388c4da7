using System.Text;
using System.Text.Json;
using Google.Protobuf.Reflection;
using NevGrains.Model.Scenarios;

namespace NevGrains.Cli.Files;

/// <summary>
/// Finds where an input file breaks protobuf's JSON mapping, for the error message: the JSON path and line of the first
/// unknown field (with the nearest field name) or unknown enum value (with the accepted spelling: <c>BEV</c> is
/// <c>POWERTRAIN_BEV</c>). Google.Protobuf's own parser names neither.
/// </summary>
internal static class ProtoJsonLocator
{
    public sealed record Problem(string Path, int Line, string Message);

    public static Problem? First(string text, MessageDescriptor root)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        try
        {
            return reader.Read() && reader.TokenType == JsonTokenType.StartObject ? Message(ref reader, root, "", bytes) : null;
        }
        catch (JsonException)
        {
            return null; // not JSON at all: the syntax check reports it
        }
    }

    private static Problem? Message(ref Utf8JsonReader reader, MessageDescriptor descriptor, string path, byte[] bytes)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            var field = descriptor.FindFieldByName(name) ?? descriptor.Fields.InDeclarationOrder().FirstOrDefault(f => f.JsonName == name);
            var at = path.Length == 0 ? name : $"{path}.{name}";
            if (field is null)
            {
                var nearest = IdSuggestions.Nearest(name, descriptor.Fields.InDeclarationOrder().Select(f => f.JsonName));
                return new Problem(at, Line(reader, bytes), $"unknown field '{name}'" + (nearest is null ? "" : $"; did you mean '{nearest}'?"));
            }
            reader.Read();
            if (Value(ref reader, field, at, bytes) is { } problem)
            {
                return problem;
            }
        }
        return null;
    }

    private static Problem? Value(ref Utf8JsonReader reader, FieldDescriptor field, string path, byte[] bytes)
    {
        if (field.IsMap && reader.TokenType == JsonTokenType.StartObject)
        {
            var valueField = field.MessageType.FindFieldByNumber(2);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = reader.GetString();
                reader.Read();
                if (Single(ref reader, valueField, $"{path}.{key}", bytes) is { } problem)
                {
                    return problem;
                }
            }
            return null;
        }
        if (field.IsRepeated && reader.TokenType == JsonTokenType.StartArray)
        {
            for (var i = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; i++)
            {
                if (Single(ref reader, field, $"{path}[{i}]", bytes) is { } problem)
                {
                    return problem;
                }
            }
            return null;
        }
        return Single(ref reader, field, path, bytes);
    }

    private static Problem? Single(ref Utf8JsonReader reader, FieldDescriptor field, string path, byte[] bytes)
    {
        if (field.FieldType == FieldType.Message && reader.TokenType == JsonTokenType.StartObject
            && !field.MessageType.FullName.StartsWith("google.protobuf.", StringComparison.Ordinal))
        {
            return Message(ref reader, field.MessageType, path, bytes);
        }
        if (field.FieldType == FieldType.Enum && reader.TokenType == JsonTokenType.String)
        {
            var value = reader.GetString()!;
            var names = field.EnumType.Values.Select(v => v.Name).ToList();
            if (!names.Contains(value, StringComparer.Ordinal))
            {
                var meant = names.FirstOrDefault(n => n.EndsWith("_" + value.ToUpperInvariant(), StringComparison.Ordinal))
                            ?? IdSuggestions.Nearest(value, names);
                return new Problem(path, Line(reader, bytes),
                    $"'{value}' is not a {field.EnumType.Name}" + (meant is null ? "" : $"; did you mean '{meant}'?") + $" (accepted: {string.Join(", ", names)})");
            }
        }
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            reader.Skip();
        }
        return null;
    }

    private static int Line(Utf8JsonReader reader, byte[] bytes) =>
        1 + bytes.AsSpan(0, (int)Math.Min(reader.TokenStartIndex, bytes.Length)).Count((byte)'\n');
}
