using System.Text.Json.Nodes;
using Grpc.Core;
using NevGrains.Api.V1;
using NevGrains.Gateway.Tests.Support;
using NevGrains.TestSupport;

namespace NevGrains.Gateway.Tests.Services;

[Collection(GatewayCollection.Name)]
public sealed class AdminApiTests(GatewayFixture gateway)
{
    private readonly AdminService.AdminServiceClient admin = gateway.Admin();
    private readonly CatalogService.CatalogServiceClient catalog = gateway.Catalog();

    [Fact]
    public async Task A_market_update_with_the_current_version_is_applied_and_a_stale_one_is_refused()
    {
        var before = await catalog.GetMarketAsync(new GetMarketRequest { Id = "hu" });
        var edited = JsonNode.Parse(before.Json)!;
        var chargers = edited["publicChargers"]!["value"]!.GetValue<double>();
        edited["publicChargers"]!["value"] = chargers + 1_000;

        var written = await admin.UpdateMarketAsync(new UpdateMarketRequest { Json = edited.ToJsonString(), ExpectedVersion = before.Summary.Version });

        Assert.Equal(before.Summary.Version + 1, written.Version);
        var after = await catalog.GetMarketAsync(new GetMarketRequest { Id = "hu" });
        Assert.Equal(chargers + 1_000, JsonNode.Parse(after.Json)!["publicChargers"]!["value"]!.GetValue<double>());
        Assert.Equal("ada", after.UpdatedBy);
        Assert.Equal(written.DatasetVersion, (await catalog.GetDatasetInfoAsync(new GetDatasetInfoRequest())).Version);

        var conflict = await RpcAssert.Fails(StatusCode.Aborted,
            () => admin.UpdateMarketAsync(new UpdateMarketRequest { Json = before.Json, ExpectedVersion = before.Summary.Version }).ResponseAsync);
        Assert.Contains("hu", conflict.Status.Detail, StringComparison.Ordinal);
        var unchanged = await catalog.GetMarketAsync(new GetMarketRequest { Id = "hu" });
        Assert.Equal(after.Json, unchanged.Json);
    }

    [Fact]
    public async Task A_brand_update_that_breaks_the_dataset_is_refused_with_its_issues()
    {
        var before = await catalog.GetBrandAsync(new GetBrandRequest { Id = "nio" });
        var edited = JsonNode.Parse(before.Json)!;
        edited["plants"]![0]!["id"] = "byd-szeged"; // a plant id another brand owns

        var error = await RpcAssert.Fails(StatusCode.InvalidArgument,
            () => admin.UpdateBrandAsync(new UpdateBrandRequest { Json = edited.ToJsonString(), ExpectedVersion = before.Summary.Version }).ResponseAsync);

        Assert.Contains(RpcAssert.Violations(error), v => v.StartsWith("json: ", StringComparison.Ordinal) && v.Contains("byd-szeged", StringComparison.Ordinal));
        var after = await catalog.GetBrandAsync(new GetBrandRequest { Id = "nio" });
        Assert.Equal(before.Summary.Version, after.Summary.Version);
    }

    [Fact]
    public async Task Malformed_json_names_the_field()
    {
        var missing = await RpcAssert.Fails(StatusCode.InvalidArgument, () => admin.UpdateMarketAsync(new UpdateMarketRequest { ExpectedVersion = 1 }).ResponseAsync);
        Assert.StartsWith("json:", missing.Status.Detail, StringComparison.Ordinal);

        var wrongType = await RpcAssert.Fails(StatusCode.InvalidArgument,
            () => admin.UpdateMarketAsync(new UpdateMarketRequest { Json = """{"id":"hu","newCarSales":"many"}""", ExpectedVersion = 1 }).ResponseAsync);
        Assert.StartsWith("json", wrongType.Status.Detail, StringComparison.Ordinal);

        await RpcAssert.Fails(StatusCode.InvalidArgument,
            () => admin.UpdateMarketAsync(new UpdateMarketRequest { Json = "{ not json", ExpectedVersion = 1 }).ResponseAsync);
    }

    [Fact]
    public async Task Importing_a_baseline_publishes_a_new_dataset_version()
    {
        var request = new ImportBaselineRequest();
        var folder = Path.Combine(RepositoryPaths.Root, "data", "baseline");
        foreach (var file in Directory.EnumerateFiles(folder, "*.json", SearchOption.AllDirectories))
        {
            request.Files[Path.GetRelativePath(folder, file).Replace('\\', '/')] = await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken);
        }
        var before = await catalog.GetDatasetInfoAsync(new GetDatasetInfoRequest());

        var imported = await admin.ImportBaselineAsync(request);

        Assert.NotEqual(before.Version, imported.DatasetVersion);
        Assert.Equal(imported.DatasetVersion, (await catalog.GetDatasetInfoAsync(new GetDatasetInfoRequest())).Version);

        request.Files.Remove("dataset.json");
        await RpcAssert.Fails(StatusCode.InvalidArgument, () => admin.ImportBaselineAsync(request).ResponseAsync);
    }

    [Fact]
    public async Task Cluster_status_lists_the_silo_and_running_batches()
    {
        // A batch that is cancelled leaves the running list at once, whatever else runs on the shared gateway.
        var batches = gateway.Batches(Keys.Admin); // not a planner whose batch limit other tests reach
        var id = Guid.NewGuid().ToString("N");
        await batches.SubmitBatchAsync(new SubmitBatchRequest { BatchId = id, Spec = Requests.SweepBatch(300) });
        await batches.CancelBatchAsync(new CancelBatchRequest { BatchId = id });

        var status = await admin.GetClusterStatusAsync(new GetClusterStatusRequest());

        var silo = Assert.Single(status.Silos);
        Assert.Equal("Active", silo.Status);
        Assert.True(silo.Activations > 0);
        Assert.False(string.IsNullOrEmpty(status.DatasetVersion));
        Assert.DoesNotContain(status.Batches, b => b.Id == id);
        Assert.Equal(status.RunningBatches, status.Batches.Count);
        Assert.Equal(status.PendingItems, status.Batches.Sum(b => b.Total - b.Completed));
    }

    [Fact]
    public async Task An_exported_baseline_imports_back_as_a_new_version_with_the_same_content()
    {
        var exported = await admin.ExportBaselineAsync(new ExportBaselineRequest());
        Assert.Contains("dataset.json", exported.Files.Keys);
        Assert.Contains("markets/hu.json", exported.Files.Keys);
        Assert.Contains("brands/byd.json", exported.Files.Keys);

        var imported = await admin.ImportBaselineAsync(new ImportBaselineRequest { Files = { exported.Files } });

        Assert.NotEqual(exported.DatasetVersion, imported.DatasetVersion);
        var again = await admin.ExportBaselineAsync(new ExportBaselineRequest());
        Assert.Equal(imported.DatasetVersion, again.DatasetVersion);
        Assert.Equal(exported.Files["markets/hu.json"], again.Files["markets/hu.json"]);
        Assert.Equal(exported.Files.Count, again.Files.Count);
        await RpcAssert.Fails(StatusCode.PermissionDenied, () => gateway.Admin(Keys.Planner).ExportBaselineAsync(new ExportBaselineRequest()).ResponseAsync);
    }

    [Fact]
    public async Task Drain_names_the_silo_field_refuses_unknown_silos_and_never_drains_the_last_one()
    {
        await RpcAssert.Fails(StatusCode.PermissionDenied,
            () => gateway.Admin(Keys.Planner).DrainSiloAsync(new DrainSiloRequest { Silo = "silo" }).ResponseAsync);

        var missing = await RpcAssert.Fails(StatusCode.InvalidArgument, () => admin.DrainSiloAsync(new DrainSiloRequest()).ResponseAsync);
        Assert.StartsWith("silo:", missing.Status.Detail, StringComparison.Ordinal);

        await RpcAssert.Fails(StatusCode.NotFound, () => admin.DrainSiloAsync(new DrainSiloRequest { Silo = "127.0.0.1:1" }).ResponseAsync);

        // The embedded gateway has one silo: draining it would stop the service.
        var only = Assert.Single((await admin.GetClusterStatusAsync(new GetClusterStatusRequest())).Silos);
        var last = await RpcAssert.Fails(StatusCode.FailedPrecondition,
            () => admin.DrainSiloAsync(new DrainSiloRequest { Silo = only.Address }).ResponseAsync);
        Assert.Contains("last active silo", last.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("Active", Assert.Single((await admin.GetClusterStatusAsync(new GetClusterStatusRequest())).Silos).Status);
    }
}
