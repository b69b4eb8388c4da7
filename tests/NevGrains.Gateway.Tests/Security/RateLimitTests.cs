using Grpc.Core;
using NevGrains.Api.V1;
using NevGrains.Gateway.Tests.Support;

namespace NevGrains.Gateway.Tests.Security;

/// <summary>Each caller has its own request budget: one caller flooding the gateway does not starve another.</summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task A_caller_over_its_request_rate_gets_resource_exhausted_while_others_are_served()
    {
        await using var gateway = await GatewayHost.Start(new Dictionary<string, string?>
        {
            ["NevGrains:Gateway:Limits:RequestsPerSecondPerCaller"] = "5",
            ["NevGrains:Gateway:Auth:ApiKeys:0:Key"] = "flooder-key-0123456789",
            ["NevGrains:Gateway:Auth:ApiKeys:0:Caller"] = "flooder",
            ["NevGrains:Gateway:Auth:ApiKeys:0:Roles:0"] = "reader",
            ["NevGrains:Gateway:Auth:ApiKeys:1:Key"] = "quiet-key-0123456789",
            ["NevGrains:Gateway:Auth:ApiKeys:1:Caller"] = "quiet",
            ["NevGrains:Gateway:Auth:ApiKeys:1:Roles:0"] = "reader",
        });
        await gateway.Started;
        var flooder = new CatalogService.CatalogServiceClient(gateway.Client("flooder-key-0123456789"));
        var quiet = new CatalogService.CatalogServiceClient(gateway.Client("quiet-key-0123456789"));

        // 30 calls at once against a budget of 5 a second.
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 30).Select(async _ =>
        {
            try
            {
                await flooder.ListMarketsAsync(new ListMarketsRequest());
                return StatusCode.OK;
            }
            catch (RpcException ex)
            {
                return ex.StatusCode;
            }
        }));

        Assert.Contains(StatusCode.ResourceExhausted, outcomes);
        Assert.All(outcomes, o => Assert.True(o is StatusCode.OK or StatusCode.ResourceExhausted, o.ToString()));
        var served = await quiet.ListMarketsAsync(new ListMarketsRequest());
        Assert.NotEmpty(served.Markets);
    }
}
