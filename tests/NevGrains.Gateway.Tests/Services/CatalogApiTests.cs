using System.Text.Json;
using Grpc.Core;
using NevGrains.Api.V1;
using NevGrains.Gateway.Tests.Support;

namespace NevGrains.Gateway.Tests.Services;

[Collection(GatewayCollection.Name)]
public sealed class CatalogApiTests(GatewayFixture gateway)
{
    private readonly CatalogService.CatalogServiceClient catalog = gateway.Catalog();

    [Fact]
    public async Task Lists_the_shipped_brands_and_markets()
    {
        var brands = await catalog.ListBrandsAsync(new ListBrandsRequest());
        var markets = await catalog.ListMarketsAsync(new ListMarketsRequest());

        Assert.Contains(brands.Brands, b => b.Id == "byd" && b.Plants.Contains("byd-szeged"));
        Assert.Equal(9, brands.Brands.Count);
        Assert.Equal(26, markets.Markets.Count);
        var germany = Assert.Single(markets.Markets, m => m.Id == "de");
        Assert.Equal("eu", germany.CustomsUnion);
        Assert.True(germany.NewCarSales > 2_000_000, $"Germany sells {germany.NewCarSales} new cars");
        Assert.False(string.IsNullOrEmpty(brands.DatasetVersion));
    }

    [Fact]
    public async Task Returns_the_full_state_of_one_brand_and_one_market()
    {
        var brand = await catalog.GetBrandAsync(new GetBrandRequest { Id = "byd" });
        var market = await catalog.GetMarketAsync(new GetMarketRequest { Id = "hu" });

        using var brandJson = JsonDocument.Parse(brand.Json);
        Assert.Equal("byd", brandJson.RootElement.GetProperty("id").GetString());
        Assert.True(brandJson.RootElement.GetProperty("plants").GetArrayLength() >= 5);
        Assert.True(brand.Summary.Version >= 1);
        using var marketJson = JsonDocument.Parse(market.Json);
        Assert.Equal("hu", marketJson.RootElement.GetProperty("id").GetString());
        Assert.Equal("Hungary", market.Summary.Name);
    }

    [Fact]
    public async Task Unknown_ids_are_not_found_and_malformed_ids_are_invalid()
    {
        var missing = await RpcAssert.Fails(StatusCode.NotFound, () => catalog.GetBrandAsync(new GetBrandRequest { Id = "tesla" }).ResponseAsync);
        Assert.Contains("tesla", missing.Status.Detail, StringComparison.Ordinal);
        await RpcAssert.Fails(StatusCode.NotFound, () => catalog.GetMarketAsync(new GetMarketRequest { Id = "atlantis" }).ResponseAsync);
        var malformed = await RpcAssert.Fails(StatusCode.InvalidArgument, () => catalog.GetMarketAsync(new GetMarketRequest { Id = "../de" }).ResponseAsync);
        Assert.StartsWith("id:", malformed.Status.Detail, StringComparison.Ordinal);
        await RpcAssert.Fails(StatusCode.InvalidArgument, () => catalog.GetBrandAsync(new GetBrandRequest()).ResponseAsync);
    }

    [Fact]
    public async Task Reports_the_dataset_version_and_the_calibration()
    {
        var info = await catalog.GetDatasetInfoAsync(new GetDatasetInfoRequest());
        var calibration = await catalog.GetCalibrationAsync(new GetCalibrationRequest());

        Assert.Equal(26, info.MarketVersions.Count);
        Assert.Equal(9, info.BrandVersions.Count);
        Assert.Equal(info.Version, calibration.DatasetVersion);
        Assert.NotEmpty(calibration.Targets);
        Assert.All(calibration.Targets, t => Assert.True(t.Met, $"{t.Id}: model {t.Model} vs target {t.Target}"));
    }
}
