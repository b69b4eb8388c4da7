using Grpc.Core;
using Grpc.Core.Interceptors;

namespace NevGrains.Gateway.Tests.Support;

/// <summary>
/// Adds the caller's API key to every call, and ties every call that has no token of its own to the running test's
/// cancellation token (so an aborted test run does not leave calls hanging).
/// </summary>
internal sealed class TestCallInterceptor(string? apiKey) : Interceptor
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, Prepare(context));

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, Prepare(context));

    private ClientInterceptorContext<TRequest, TResponse> Prepare<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
        where TRequest : class
        where TResponse : class
    {
        var options = context.Options;
        if (apiKey is not null)
        {
            var headers = options.Headers ?? [];
            headers.Add("x-api-key", apiKey);
            options = options.WithHeaders(headers);
        }
        if (!options.CancellationToken.CanBeCanceled)
        {
            options = options.WithCancellationToken(TestContext.Current.CancellationToken);
        }
        return new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, options);
    }
}
