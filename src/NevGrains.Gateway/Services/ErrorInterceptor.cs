using Grpc.Core;
using Grpc.Core.Interceptors;
using NevGrains.Api.Errors;
using NevGrains.Contracts;
using NevGrains.Contracts.Data;
using NevGrains.Model.Data;
using NevGrains.Model.Scenarios;
using Orleans.Storage;

namespace NevGrains.Gateway.Services;

/// <summary>
/// Maps what goes wrong behind a call to a gRPC status a caller can act on; internals (stack traces, exception types) never
/// leave the gateway. Invalid input names the field in the message and lists every issue as a <c>BadRequest</c> field violation in
/// the standard <c>grpc-status-details-bin</c> (<see cref="FieldViolations"/>).
/// </summary>
public sealed partial class ErrorInterceptor(ILogger<ErrorInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception ex) when (ex is not RpcException || ex is RpcException { Status.Detail.Length: > MaxDetail })
        {
            throw Bounded(ex as RpcException ?? Map(ex, context));
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception ex) when (ex is not RpcException || ex is RpcException { Status.Detail.Length: > MaxDetail })
        {
            throw Bounded(ex as RpcException ?? Map(ex, context));
        }
    }

    private RpcException Map(Exception exception, ServerCallContext context)
    {
        switch (exception)
        {
            case ScenarioException invalid when !invalid.Issues.IsDefaultOrEmpty: // issue paths are the request's own: the mapper and the model name them that way
                return FieldViolations.InvalidArgument([.. invalid.Issues.Select(i => (i.Field, i.Message))]);
            case ScenarioException invalid:
                return new RpcException(new Status(StatusCode.InvalidArgument, invalid.Message));
            case DataValidationException data when !data.Issues.IsDefaultOrEmpty: // an admin update's entity JSON: each issue names its file, entity and field
                return FieldViolations.InvalidArgument([.. data.Issues.Select(i => ("json", i))]);
            case DataValidationException data:
                return new RpcException(new Status(StatusCode.InvalidArgument, data.Message));
            case DatasetException dataset:
                return new RpcException(new Status(StatusCode.InvalidArgument, dataset.Message));
            case NotFoundException missing:
                return new RpcException(new Status(StatusCode.NotFound, missing.Message));
            case VersionConflictException conflict:
                return new RpcException(new Status(StatusCode.Aborted, conflict.Message));
            case InconsistentStateException:
                return new RpcException(new Status(StatusCode.Aborted, "the entity was changed concurrently; read it again and retry"));
            case CallerLimitExceededException limit:
                return new RpcException(new Status(StatusCode.ResourceExhausted, limit.Message));
            case Contracts.Batches.BatchResultsMissingException missing:
                return new RpcException(new Status(StatusCode.DataLoss, missing.Message));
            case AccessDeniedException denied:
                return new RpcException(new Status(StatusCode.PermissionDenied, denied.Message));
            case OperationCanceledException when context.CancellationToken.IsCancellationRequested:
                return new RpcException(new Status(context.Deadline < DateTime.UtcNow ? StatusCode.DeadlineExceeded : StatusCode.Cancelled, "the call was cancelled"));
            case StorageTimeoutException stalled:
                LogUnavailable(exception, context.Method);
                return new RpcException(new Status(StatusCode.Unavailable, stalled.Message));
            case TimeoutException when context.Deadline < DateTime.UtcNow:
                return new RpcException(new Status(StatusCode.DeadlineExceeded, "the call's deadline passed before the cluster answered"));
            case TimeoutException:
                LogUnavailable(exception, context.Method);
                return new RpcException(new Status(StatusCode.Unavailable, "the cluster did not answer in time (busy, or a silo is going away); retry later"));
            case SiloUnavailableException or OrleansMessageRejectionException or Azure.RequestFailedException or IOException
                or OrleansException:
                LogUnavailable(exception, context.Method);
                return new RpcException(new Status(StatusCode.Unavailable, "the cluster or its storage is unavailable; retry later"));
            default:
                var id = Guid.NewGuid().ToString("N")[..12];
                LogInternal(exception, context.Method, id);
                return new RpcException(new Status(StatusCode.Internal, $"internal error {id}"));
        }
    }

    /// <summary>Longest status message: a request value echoed in full (a megabyte id) would break the response headers.</summary>
    private const int MaxDetail = 1_000;

    private static RpcException Bounded(RpcException error) => error.Status.Detail.Length <= MaxDetail
        ? error
        : new RpcException(new Status(error.StatusCode, error.Status.Detail[..MaxDetail] + "... (truncated)"), error.Trailers);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method}: the cluster or its storage is unavailable")]
    private partial void LogUnavailable(Exception exception, string method);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method}: internal error {ErrorId}")]
    private partial void LogInternal(Exception exception, string method, string errorId);
}
