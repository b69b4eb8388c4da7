using Grpc.Core;

namespace NevGrains.Gateway.Tests.Support;

public static class RpcAssert
{
    /// <summary>Runs a call that must fail with <paramref name="code"/>; returns the error for further checks.</summary>
    public static async Task<RpcException> Fails(StatusCode code, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.True(error.StatusCode == code, $"expected {code}, got {error.StatusCode}: {error.Status.Detail}");
        Assert.DoesNotContain("   at ", error.Status.Detail, StringComparison.Ordinal); // no stack trace leaks
        return error;
    }
}
