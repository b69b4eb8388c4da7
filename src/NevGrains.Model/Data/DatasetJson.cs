using System.Collections.Immutable;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace NevGrains.Model.Data;

/// <summary>The one JSON dialect of the dataset files: strict on reading (unknown or missing fields fail), indented on writing.</summary>
public static class DatasetJson
{
    public static JsonSerializerOptions Options { get; } = Create(indented: true);

    /// <summary>The same dialect on one line, for storage and wire payloads.</summary>
    public static JsonSerializerOptions Compact { get; } = Create(indented: false);

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = indented,
            IndentSize = 2,
            AllowTrailingCommas = true,
            ReadCommentHandling = JsonCommentHandling.Skip,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = JsonNumberHandling.Strict,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { SkipEmptyArraysAndDefaultFlags } },
        };
        options.MakeReadOnly();
        return options;
    }

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException("The document is empty (null).");

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>Optional arrays and false flags are left out of written files, so files stay as short as the data owner wrote them.</summary>
    private static void SkipEmptyArraysAndDefaultFlags(JsonTypeInfo typeInfo)
    {
        foreach (var property in typeInfo.Properties)
        {
            if (property.AssociatedParameter is { HasDefaultValue: false })
            {
                continue; // required by the constructor: always written
            }
            var type = property.PropertyType;
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ImmutableArray<>))
            {
                var method = typeof(DatasetJson)
                    .GetMethod(nameof(IsNonEmpty), BindingFlags.NonPublic | BindingFlags.Static)!
                    .MakeGenericMethod(type.GetGenericArguments()[0]);
                var isNonEmpty = method.CreateDelegate<Func<object?, bool>>();
                property.ShouldSerialize = (_, value) => isNonEmpty(value);
            }
            else if (type == typeof(bool))
            {
                property.ShouldSerialize = (_, value) => value is true;
            }
        }
    }

    private static bool IsNonEmpty<T>(object? value) => value is ImmutableArray<T> { IsDefaultOrEmpty: false };
}
