using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using NevGrains.Gateway.Services;
using NevGrains.Gateway.Tests.Support;

namespace NevGrains.Gateway.Tests.Services;

/// <summary>How the gateway names a failure inside the cluster to a caller: a status a client can act on, never internals.</summary>
public sealed class ErrorInterceptorTests
{
    private readonly ErrorInterceptor errors = new(NullLogger<ErrorInterceptor>.Instance);

    [Fact]
    public async Task An_orleans_response_timeout_within_the_callers_deadline_is_unavailable_and_says_the_cluster_was_slow()
    {
        var error = await Fail(new TimeoutException("Response did not arrive on time in 00:00:30"), DateTime.UtcNow.AddMinutes(5));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("did not answer in time", error.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("00:00:30", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_timeout_after_the_callers_deadline_is_deadline_exceeded()
    {
        var error = await Fail(new TimeoutException("late"), DateTime.UtcNow.AddSeconds(-1));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Fact]
    public async Task A_storage_stall_is_unavailable_and_says_storage_did_not_answer_even_before_the_callers_deadline()
    {
        var error = await Fail(new Contracts.StorageTimeoutException("storage did not answer within 10 s (write of market in data); retry later"), DateTime.UtcNow.AddMinutes(5));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.StartsWith("storage did not answer within 10 s", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Results_storage_no_longer_holds_are_data_loss()
    {
        var error = await Fail(new Contracts.Batches.BatchResultsMissingException("batch 'b': chunk 2 holds 0 of its 5 results in storage"), DateTime.MaxValue);

        Assert.Equal(StatusCode.DataLoss, error.StatusCode);
        Assert.Contains("chunk 2", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unexpected_exception_is_internal_with_only_an_error_id()
    {
        var error = await Fail(new InvalidOperationException("secret detail at Foo.Bar()"), DateTime.MaxValue);

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Matches("^internal error [0-9a-f]{12}$", error.Status.Detail);
    }

    private async Task<RpcException> Fail(Exception thrown, DateTime deadline)
    {
        var context = TestServerCallContext.WithDeadline(deadline, TestContext.Current.CancellationToken);
        return await Assert.ThrowsAsync<RpcException>(() =>
            errors.UnaryServerHandler<string, string>("request", context, (_, _) => Task.FromException<string>(thrown)));
    }
}
