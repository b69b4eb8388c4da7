using System.Collections;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace NevGrains.Gateway.Mapping;

/// <summary>
/// Turns a model field path ("scenario.levers[0].rate") into the path of the request field a gRPC caller set
/// ("scenario.levers[0].tariff.rate"): the model's levers are flat, the API's sit in a oneof.
/// </summary>
public static class ProtoFieldPath
{
    public static string Resolve(IMessage request, string path)
    {
        var segments = path.Split('.');
        var resolved = new List<string>(segments.Length + 2);
        IMessage? message = request;
        for (var i = 0; i < segments.Length; i++)
        {
            if (message is null)
            {
                resolved.AddRange(segments[i..]);
                break;
            }
            var (name, index) = Parse(segments[i]);
            var field = Find(message.Descriptor, name);
            var last = i == segments.Length - 1;
            // "levers[0].plant" in model terms is the plant lever's "plant" field, not the oneof member of that name.
            if ((field is null || (last && field.ContainingOneof is not null)) && SetOneofHolding(message, name) is { } holder)
            {
                resolved.Add(holder.JsonName);
                message = (IMessage)holder.Accessor.GetValue(message);
                field = Find(message.Descriptor, name);
            }
            if (field is null)
            {
                resolved.AddRange(segments[i..]);
                break;
            }
            resolved.Add(segments[i]);
            if (field.IsMap)
            {
                resolved.AddRange(segments[(i + 1)..]); // map keys (parameter names) contain dots
                break;
            }
            var value = field.Accessor.GetValue(message);
            message = field.IsRepeated
                ? index is { } at && value is IList list && at < list.Count ? list[at] as IMessage : null
                : value as IMessage;
        }
        return string.Join('.', resolved);
    }

    private static (string Name, int? Index) Parse(string segment)
    {
        var open = segment.IndexOf('[', StringComparison.Ordinal);
        if (open < 0 || !segment.EndsWith(']'))
        {
            return (segment, null);
        }
        return int.TryParse(segment.AsSpan(open + 1, segment.Length - open - 2), out var index)
            ? (segment[..open], index)
            : (segment[..open], null);
    }

    private static FieldDescriptor? Find(MessageDescriptor descriptor, string jsonName) =>
        descriptor.Fields.InDeclarationOrder().FirstOrDefault(f => f.JsonName == jsonName);

    private static FieldDescriptor? SetOneofHolding(IMessage message, string jsonName) =>
        message.Descriptor.Oneofs
            .Select(o => o.Accessor.GetCaseFieldDescriptor(message))
            .FirstOrDefault(f => f is { FieldType: FieldType.Message } && Find(f.MessageType, jsonName) is not null);
}
