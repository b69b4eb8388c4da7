using System.Buffers.Binary;
using System.Net;
using Grpc.Core;

namespace NevGrains.Gateway.Tests.Support;

/// <summary>gRPC calls made by hand over HTTP/2, as a broken or hostile client would send them: any bytes, any frame header.</summary>
public static class RawGrpc
{
    /// <summary>A gRPC length-prefixed frame around <paramref name="payload"/>, flagged compressed or not.</summary>
    public static byte[] Frame(byte[] payload, bool compressed = false)
    {
        var frame = new byte[payload.Length + 5];
        frame[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    /// <summary>
    /// Posts <paramref name="body"/> to <paramref name="path"/> (plaintext HTTP/2 with prior knowledge) and reads the answer to
    /// its end; the status is null when the answer carried none.
    /// </summary>
    public static async Task<(StatusCode? Status, string Message)> Send(HttpClient http, Uri address, string path, byte[] body, string apiKey,
        string? encoding = null, string? timeout = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address, path))
        {
            Content = new ByteArrayContent(body),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
        request.Headers.Add("x-api-key", apiKey);
        request.Headers.Add("te", "trailers");
        if (timeout is not null)
        {
            request.Headers.Add("grpc-timeout", timeout);
        }
        if (encoding is not null)
        {
            request.Headers.Add("grpc-encoding", encoding);
        }
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        var status = Header(response, "grpc-status");
        return status is null
            ? (null, $"HTTP {(int)response.StatusCode} {response.Headers} {response.Content.Headers}")
            : ((StatusCode)int.Parse(status, System.Globalization.CultureInfo.InvariantCulture), Uri.UnescapeDataString(Header(response, "grpc-message") ?? ""));
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.TrailingHeaders.TryGetValues(name, out var trailing) ? trailing.First()
        : response.Headers.TryGetValues(name, out var leading) ? leading.First()
        : null;
}
