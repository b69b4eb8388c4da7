using System.Globalization;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using NevGrains.Api.V1;
using NevGrains.Gateway.Tests.Support;
using NevGrains.Hosting;
using NevGrains.TestSupport;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace NevGrains.Gateway.Tests.Hosting;

/// <summary>
/// The gateway as a client of a separate silo: it listens before any silo is up, reports NOT_SERVING until one answers,
/// serves through it, and answers UNAVAILABLE (not a hang, not INTERNAL) once the silo is gone.
/// </summary>
public sealed class ClusterModeTests
{
    [Fact]
    public async Task Health_follows_the_cluster_and_calls_fail_as_unavailable_without_it()
    {
        var siloPort = LoopbackPorts.Free();
        var gatewayPort = LoopbackPorts.Free();
        await using var gateway = await GatewayHost.Start(new Dictionary<string, string?>
        {
            ["NevGrains:Gateway:Mode"] = "Cluster",
            ["NevGrains:Gateway:Auth:AllowAnonymousOnLoopback"] = "true",
            ["NevGrains:GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
        });
        var health = new Health.HealthClient(gateway.Client());
        var catalog = new CatalogService.CatalogServiceClient(gateway.Client());

        Assert.Equal(ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest())).Status);

        using (var silo = await StartSilo(siloPort, gatewayPort))
        {
            await Eventually(async () => (await health.CheckAsync(new HealthCheckRequest())).Status == ServingStatus.Serving);
            // Anonymous on loopback, because this gateway enables it.
            var brands = await catalog.ListBrandsAsync(new ListBrandsRequest());
            Assert.Equal(9, brands.Brands.Count);

            await silo.StopAsync(TestContext.Current.CancellationToken);
        }

        await Eventually(async () => (await health.CheckAsync(new HealthCheckRequest())).Status == ServingStatus.NotServing);
        var error = await RpcAssert.Fails(StatusCode.Unavailable,
            () => catalog.ListBrandsAsync(new ListBrandsRequest(), deadline: DateTime.UtcNow.AddSeconds(60)).ResponseAsync);
        Assert.Contains("unavailable", error.Status.Detail, StringComparison.Ordinal);
    }

    private static async Task<IHost> StartSilo(int siloPort, int gatewayPort)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing", DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["NevGrains:SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["NevGrains:GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
            ["NevGrains:ShutdownTimeout"] = "00:00:02",
        });
        builder.AddNevGrainsSilo();
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return host;
    }

    private static Task Eventually(Func<Task<bool>> condition) =>
        Poll.Until(condition, TimeSpan.FromSeconds(90), () => "the condition did not hold");
}
