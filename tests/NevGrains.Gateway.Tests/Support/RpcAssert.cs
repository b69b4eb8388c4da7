using Grpc.Core;
using NevGrains.Api.Errors;

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

    /// <summary>
    /// The standard <c>BadRequest</c> details of an invalid-argument error as "field: description" lines; asserts that there are
    /// some and that the status message leads with the first.
    /// </summary>
    public static IReadOnlyList<string> Violations(RpcException error)
    {
        var violations = FieldViolations.Of(error).Select(v => $"{v.Field}: {v.Description}").ToList();
        Assert.NotEmpty(violations);
        Assert.StartsWith(violations[0], error.Status.Detail, StringComparison.Ordinal);
        return violations;
    }
}
