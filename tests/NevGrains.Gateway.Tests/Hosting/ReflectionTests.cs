using Grpc.Core;
using Grpc.Reflection.V1Alpha;
using NevGrains.Gateway.Tests.Support;

namespace NevGrains.Gateway.Tests.Hosting;

/// <summary>Server reflection lets grpcurl and similar tools discover the API without the protos.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ReflectionTests(GatewayFixture gateway)
{
    [Fact]
    public async Task Reflection_lists_every_nevgrains_service_and_health()
    {
        var reflection = new ServerReflection.ServerReflectionClient(gateway.Host.Client());
        using var call = reflection.ServerReflectionInfo();

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        var services = new List<string>();
        await foreach (var response in call.ResponseStream.ReadAllAsync())
        {
            services.AddRange(response.ListServicesResponse.Service.Select(s => s.Name));
        }

        Assert.Superset(new HashSet<string>
        {
            "nevgrains.v1.CatalogService", "nevgrains.v1.ScenarioService", "nevgrains.v1.BatchService",
            "nevgrains.v1.ExperimentService", "nevgrains.v1.AdminService", "grpc.health.v1.Health",
        }, services.ToHashSet());
    }
}
