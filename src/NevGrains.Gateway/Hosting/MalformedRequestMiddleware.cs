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
/// RESOURCE_EXHAUSTED. A gzip-compressed frame (the one encoding the server accepts) gets the same checks on its decompressed
/// message, decompressed no further than the size limit, so a small bomb cannot expand into memory; other encodings are left
/// to grpc-dotnet, which answers UNIMPLEMENTED.
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
        var tooLarge = $"request: larger than the {options.Value.Limits.MaxReceiveMessageBytes:N0}-byte limit; split it (batches) or send less";
        if (request.ContentLength > limit) // Kestrel would refuse the first read with HTTP 413, which no gRPC client understands
        {
            Refuse(context.Response, StatusCodeResourceExhausted, tooLarge);
            return;
        }
        request.EnableBuffering(bufferThreshold: 64 * 1024);
        var body = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                if (body.Length + read > limit)
                {
                    Refuse(context.Response, StatusCodeResourceExhausted, tooLarge);
                    return;
                }
                body.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            Refuse(context.Response, StatusCodeResourceExhausted, tooLarge);
            return;
        }
        var encoding = request.Headers["grpc-encoding"].ToString();
        if (Problem(body.GetBuffer().AsSpan(0, (int)body.Length), type, encoding, options.Value.Limits.MaxReceiveMessageBytes) is { } problem)
        {
            Refuse(context.Response, problem.Status, $"request: {problem.Message}");
            return;
        }
        request.Body.Position = 0;
        await next(context);
    }

    private static (int Status, string Message)? Problem(ReadOnlySpan<byte> body, MessageDescriptor type, string encoding, int limit)
    {
        if (body.Length < HeaderLength)
        {
            return Invalid($"incomplete gRPC frame ({body.Length} bytes; a frame has a 5-byte header)");
        }
        var declared = BinaryPrimitives.ReadUInt32BigEndian(body[1..]);
        var arrived = body.Length - HeaderLength;
        if (declared != arrived)
        {
            return Invalid(declared > arrived
                ? $"truncated message: the frame declares {declared} bytes, {arrived} arrived"
                : $"one {type.Name} expected, but {arrived - declared} bytes follow it");
        }
        var message = body[HeaderLength..];
        switch (body[0])
        {
            case 0:
                break;
            case 1 when encoding is "" or "identity":
                return Invalid("the frame is flagged compressed but the call names no grpc-encoding");
            case 1 when encoding == "gzip":
                var inflated = Gunzip(message, limit);
                if (inflated.Problem is { } problem)
                {
                    return problem;
                }
                message = inflated.Message;
                break;
            case 1:
                return null; // an encoding this server does not accept: grpc-dotnet answers UNIMPLEMENTED, naming the ones it does
            default:
                return Invalid($"frame flag {body[0]}; a gRPC frame starts with 0 (plain) or 1 (compressed)");
        }
        try
        {
            type.Parser.ParseFrom(message);
            return null;
        }
        catch (InvalidProtocolBufferException ex)
        {
            return Invalid($"not a valid {type.FullName}: {ex.Message}");
        }
    }

    private static (int, string) Invalid(string message) => (StatusCodeInvalidArgument, message);

    /// <summary>The decompressed message, read no further than <paramref name="limit"/> bytes.</summary>
    private static (byte[] Message, (int, string)? Problem) Gunzip(ReadOnlySpan<byte> compressed, int limit)
    {
        using var gzip = new System.IO.Compression.GZipStream(new MemoryStream(compressed.ToArray()), System.IO.Compression.CompressionMode.Decompress);
        using var inflated = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = gzip.Read(buffer)) > 0)
            {
                if (inflated.Length + read > limit)
                {
                    return ([], (StatusCodeResourceExhausted, $"decompressed, larger than the {limit:N0}-byte limit; split it (batches) or send less"));
                }
                inflated.Write(buffer, 0, read);
            }
        }
        catch (InvalidDataException ex)
        {
            return ([], Invalid($"the frame is not valid gzip: {ex.Message}"));
        }
        return (inflated.ToArray(), null);
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
