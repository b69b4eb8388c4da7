using System.Security.Claims;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace NevGrains.Gateway.Tests.Support;

/// <summary>
/// A server call context for calling a gRPC service method directly (as grpc-dotnet's examples/Tester does): the caller's
/// identity rides on an <see cref="HttpContext"/> in the user state, where <c>GetHttpContext()</c> finds it.
/// </summary>
public sealed class TestServerCallContext : ServerCallContext
{
    private readonly Dictionary<object, object> _userState = [];
    private readonly CancellationToken _cancellationToken;
    private readonly DateTime _deadline;

    private TestServerCallContext(ClaimsPrincipal user, CancellationToken cancellationToken, DateTime deadline)
    {
        _userState["__HttpContext"] = new DefaultHttpContext { User = user };
        _cancellationToken = cancellationToken;
        _deadline = deadline;
    }

    /// <summary>A call by <paramref name="caller"/> with the given roles (planner, reader, admin).</summary>
    public static TestServerCallContext For(string caller, CancellationToken cancellationToken, params string[] roles) =>
        new(new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, caller), .. roles.Select(r => new Claim(ClaimTypes.Role, r))], "test")), cancellationToken, DateTime.MaxValue);

    /// <summary>A call whose gRPC deadline is <paramref name="deadline"/> (UTC).</summary>
    public static TestServerCallContext WithDeadline(DateTime deadline, CancellationToken cancellationToken) =>
        new(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "tester")], "test")), cancellationToken, deadline);

    protected override string MethodCore => "test";
    protected override string HostCore => "127.0.0.1";
    protected override string PeerCore => "ipv4:127.0.0.1:1";
    protected override DateTime DeadlineCore => _deadline;
    protected override Metadata RequestHeadersCore { get; } = [];
    protected override CancellationToken CancellationTokenCore => _cancellationToken;
    protected override Metadata ResponseTrailersCore { get; } = [];
    protected override Status StatusCore { get; set; }
    protected override WriteOptions? WriteOptionsCore { get; set; }
    protected override AuthContext AuthContextCore { get; } = new(null, []);
    protected override IDictionary<object, object> UserStateCore => _userState;

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
}

/// <summary>A server stream that keeps what the service wrote.</summary>
public sealed class CollectingStreamWriter<T> : IServerStreamWriter<T>
{
    public List<T> Written { get; } = [];

    public WriteOptions? WriteOptions { get; set; }

    public Task WriteAsync(T message) => WriteAsync(message, CancellationToken.None);

    public Task WriteAsync(T message, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Written.Add(message);
        return Task.CompletedTask;
    }
}
