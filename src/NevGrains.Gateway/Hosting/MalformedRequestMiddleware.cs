using System.Buffers.Binary;
using System.Collections.Frozen;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Microsoft.Extensions.Options;
using NevGrains.Api.V1;

namespace NevGrains.Gateway.Hosting;

/// <summary>
/// Answers INVALID_ARGUMENT, with what is wrong, to a NevGrains call whose request frame is truncated or does not parse as its
/// message. grpc-dotnet would answer UNKNOWN ("Exception was thrown by handler"), which tells a caller nothing.
/// Every NevGrains method takes one request message, so the whole body is one frame. Bodies over the size limit get
/// RESOURCE_EXHAUSTED; compressed frames are left to grpc-dotnet.
/// </summary>
public sealed class MalformedRequestMiddleware(RequestDelegate next, IOptions<GatewayOptions> options)
{
    private const int HeaderLength = 5;
    private const int StatusCodeInvalidArgument = 3;
    private const int StatusCodeResourceExhausted = 8;

    private static readonly FrozenDictionary<string, MessageDescriptor> RequestTypes =
        new[] { CatalogReflection.Descriptor, ScenariosReflection.Descriptor, BatchesReflection.Descriptor, ExperimentsReflection.Descriptor, AdminReflection.Descriptor }
            .SelectMany(file => file.Services)
            .SelectMany(service => service.Methods)
            .ToFrozenDictionary(method => $"/{method.Service.FullName}/{method.Name}", method => method.InputType, StringComparer.Ordinal);

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method) || !RequestTypes.TryGetValue(request.Path.Value ?? "", out var type)
            || request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) != true)
        {
            await next(context);
            return;
        }
        var limit = options.Value.Limits.MaxReceiveMessageBytes + HeaderLength;
        request.EnableBuffering(bufferThreshold: 64 * 1024);
        var body = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (body.Length + read > limit)
            {
                Refuse(context.Response, StatusCodeResourceExhausted,
                    $"request: larger than the {options.Value.Limits.MaxReceiveMessageBytes:N0}-byte limit; split it (batches) or send less");
                return;
            }
            body.Write(chunk, 0, read);
        }
        if (Problem(body.GetBuffer().AsSpan(0, (int)body.Length), type) is { } problem)
        {
            Refuse(context.Response, StatusCodeInvalidArgument, $"request: {problem}");
            return;
        }
        request.Body.Position = 0;
        await next(context);
    }

    private static string? Problem(ReadOnlySpan<byte> body, MessageDescriptor type)
    {
        if (body.Length < HeaderLength)
        {
            return $"incomplete gRPC frame ({body.Length} bytes; a frame has a 5-byte header)";
        }
        if (body[0] != 0)
        {
            return null; // compressed: grpc-dotnet decompresses and parses it
        }
        var declared = BinaryPrimitives.ReadUInt32BigEndian(body[1..]);
        var arrived = body.Length - HeaderLength;
        if (declared != arrived)
        {
            return declared > arrived
                ? $"truncated message: the frame declares {declared} bytes, {arrived} arrived"
                : $"one {type.Name} expected, but {arrived - declared} bytes follow it";
        }
        try
        {
            type.Parser.ParseFrom(body[HeaderLength..]);
            return null;
        }
        catch (InvalidProtocolBufferException ex)
        {
            return $"not a valid {type.FullName}: {ex.Message}";
        }
    }

    /// <summary>A trailers-only gRPC response.</summary>
    private static void Refuse(HttpResponse response, int status, string message)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = Uri.EscapeDataString(message);
    }
}
