using NevGrains.Gateway.Tests.Support;
using NevGrains.TestSupport;

namespace NevGrains.Gateway.Tests;

/// <summary>
/// A client in a second language, built only from <c>protos/</c>, talks to the gateway: proof that the protos alone are
/// enough to use the API. Needs Node.js (20 or later) on the PATH; installs its npm packages on first use.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class NodeClientTests(GatewayFixture gateway)
{
    [Fact]
    public async Task A_node_client_built_from_the_protos_runs_a_scenario_and_a_streamed_batch()
    {
        var folder = Path.Combine(RepositoryPaths.Root, "tests", "node-client");
        await ToolInstall.NpmCi(folder);

        var output = await ExternalProcess.Run("node", $"client.mjs {gateway.Host.Address.Authority} {Keys.Planner}", folder, TimeSpan.FromMinutes(3));

        Assert.Contains("node client: all checks passed", output, StringComparison.Ordinal);
        Assert.Contains("RunBatchStream", output, StringComparison.Ordinal);
    }
}
