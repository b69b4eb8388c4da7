using Grpc.Core;
using NevGrains.Api.V1;
using NevGrains.Gateway.Tests.Support;

namespace NevGrains.Gateway.Tests.Hosting;

/// <summary>
/// The gateway's message limit is the one that applies: a request under it reaches the service whatever its size (Kestrel's own
/// 30 MB body limit would reset it as UNKNOWN), one over it is RESOURCE_EXHAUSTED.
/// </summary>
public sealed class MessageSizeTests
{
    private const int Limit = 40 * 1024 * 1024;

    [Fact]
    public async Task A_request_between_kestrels_default_and_the_grpc_limit_is_served_and_one_over_the_limit_is_resource_exhausted()
    {
        await using var gateway = await GatewayHost.Start(new Dictionary<string, string?>
        {
            ["NevGrains:Gateway:Mode"] = "Embedded",
            ["NevGrains:Gateway:Auth:AllowAnonymousOnLoopback"] = "true",
            ["NevGrains:Gateway:Limits:MaxReceiveMessageBytes"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        await gateway.Started;
        var catalog = new CatalogService.CatalogServiceClient(gateway.Client());

        // 32 MB: over Kestrel's default body limit, under the gateway's.
        var under = await RpcAssert.Fails(StatusCode.InvalidArgument,
            () => catalog.GetBrandAsync(new GetBrandRequest { Id = new string('b', 32 * 1024 * 1024) }).ResponseAsync);
        var over = await Assert.ThrowsAsync<RpcException>(
            () => catalog.GetBrandAsync(new GetBrandRequest { Id = new string('b', Limit + 1024) }).ResponseAsync);

        Assert.StartsWith("id:", under.Status.Detail, StringComparison.Ordinal); // the service saw it and named the field
        Assert.True(under.Status.Detail.Length <= 1_100);
        Assert.Equal(StatusCode.ResourceExhausted, over.StatusCode);
        Assert.NotEmpty((await catalog.ListBrandsAsync(new ListBrandsRequest())).Brands);
    }
}
