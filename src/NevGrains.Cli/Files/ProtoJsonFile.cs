using System.Text.Json;
using Google.Protobuf;

namespace NevGrains.Cli.Files;

/// <summary>
/// Reads a NevGrains input file: a <c>nevgrains.v1</c> message in protobuf's JSON mapping (docs/scenarios.md). Syntax errors
/// are reported with their line, unknown fields and enum values with their JSON path and line (<see cref="ProtoJsonLocator"/>).
/// </summary>
public static class ProtoJsonFile
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default);

    public static T Read<T>(string path) where T : IMessage<T>, new()
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InputFileException(path, "file", ex.Message);
        }
        return Parse<T>(text, path, lineOffset: 0);
    }

    /// <summary>Parses one message; <paramref name="lineOffset"/> places it in a larger file (JSON Lines).</summary>
    public static T Parse<T>(string text, string path, int lineOffset) where T : IMessage<T>, new()
    {
        try
        {
            using var _ = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException ex)
        {
            var line = (ex.LineNumber ?? 0) + 1 + lineOffset;
            throw new InputFileException(path, $"line {line}", ex.Message.Split(" LineNumber:")[0]);
        }
        try
        {
            return Parser.Parse<T>(text);
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidJsonException or FormatException or InvalidOperationException)
        {
            if (ProtoJsonLocator.First(text, new T().Descriptor) is { } problem)
            {
                throw new InputFileException(path, $"line {problem.Line + lineOffset}, {problem.Path}", problem.Message);
            }
            var where = lineOffset > 0 ? $"line {lineOffset + 1}" : new T().Descriptor.Name;
            throw new InputFileException(path, where, ex.Message);
        }
    }
}
