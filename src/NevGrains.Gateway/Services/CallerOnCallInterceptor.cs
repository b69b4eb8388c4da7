using Grpc.Core;
using Grpc.Core.Interceptors;
using NevGrains.Contracts;

namespace NevGrains.Gateway.Services;

/// <summary>Puts the authenticated caller on every grain call the request makes, so each silo's compute gate can take callers in turns.</summary>
public sealed class CallerOnCallInterceptor : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        CallerOnCall.Set(context.CallerName());
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        CallerOnCall.Set(context.CallerName());
        return continuation(request, responseStream, context);
    }
}
