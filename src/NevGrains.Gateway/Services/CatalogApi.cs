using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using NevGrains.Api.V1;
using NevGrains.Contracts.Data;
using NevGrains.Contracts.Scenarios;
using NevGrains.Gateway.Mapping;
using NevGrains.Model.Data;

namespace NevGrains.Gateway.Services;

/// <summary>Browsing the dataset: served by the dataset, brand and market grains.</summary>
[Authorize(Policy = Security.Roles.Reader)]
public sealed class CatalogApi(IGrainFactory grains) : CatalogService.CatalogServiceBase
{
    private IDatasetGrain Dataset => grains.GetGrain<IDatasetGrain>(IDatasetGrain.Key);

    public override async Task<ListBrandsResponse> ListBrands(ListBrandsRequest request, ServerCallContext context)
    {
        var info = await Dataset.GetInfo();
        var brands = await Task.WhenAll(info.BrandVersions.Keys.Order(StringComparer.Ordinal).Select(id => grains.GetGrain<IBrandGrain>(id).Get()));
        var response = new ListBrandsResponse { DatasetVersion = info.Version };
        response.Brands.AddRange(brands.Select(Summary));
        return response;
    }

    public override async Task<ListMarketsResponse> ListMarkets(ListMarketsRequest request, ServerCallContext context)
    {
        var info = await Dataset.GetInfo();
        var markets = await Task.WhenAll(info.MarketVersions.Keys.Order(StringComparer.Ordinal).Select(id => grains.GetGrain<IMarketGrain>(id).Get()));
        var response = new ListMarketsResponse { DatasetVersion = info.Version };
        response.Markets.AddRange(markets.Select(Summary));
        return response;
    }

    public override async Task<GetBrandResponse> GetBrand(GetBrandRequest request, ServerCallContext context)
    {
        Require.Id(request.Id, "id");
        var brand = await grains.GetGrain<IBrandGrain>(request.Id).Get();
        return new GetBrandResponse
        {
            Summary = Summary(brand),
            Json = DatasetJson.Serialize(brand.Brand),
            UpdatedAt = ResponseMapper.Iso(brand.UpdatedAt),
            UpdatedBy = brand.UpdatedBy,
        };
    }

    public override async Task<GetMarketResponse> GetMarket(GetMarketRequest request, ServerCallContext context)
    {
        Require.Id(request.Id, "id");
        var market = await grains.GetGrain<IMarketGrain>(request.Id).Get();
        return new GetMarketResponse
        {
            Summary = Summary(market),
            Json = DatasetJson.Serialize(market.Market),
            UpdatedAt = ResponseMapper.Iso(market.UpdatedAt),
            UpdatedBy = market.UpdatedBy,
        };
    }

    public override async Task<GetDatasetInfoResponse> GetDatasetInfo(GetDatasetInfoRequest request, ServerCallContext context)
    {
        var info = await Dataset.GetInfo();
        var response = new GetDatasetInfoResponse
        {
            Version = info.Version,
            BaseVersion = info.BaseVersion,
            Revision = info.Revision,
            UpdatedAt = ResponseMapper.Iso(info.UpdatedAt),
            UpdatedBy = info.UpdatedBy,
        };
        response.MarketVersions.Add(info.MarketVersions);
        response.BrandVersions.Add(info.BrandVersions);
        return response;
    }

    public override async Task<GetCalibrationResponse> GetCalibration(GetCalibrationRequest request, ServerCallContext context)
    {
        var report = await grains.GetGrain<IScenarioWorkerGrain>(0).Calibration(CallerContext.Version(request.DatasetVersion), context.CancellationToken);
        var response = new GetCalibrationResponse { DatasetVersion = report.DatasetVersion, MaxCellError = report.MaxCellError, Cells = report.Cells.Length };
        response.Targets.AddRange(report.Targets.Select(t => new Api.V1.CalibrationTarget
        {
            Id = t.Id,
            Description = t.Description,
            Target = t.Target,
            Model = t.Model,
            Tolerance = t.Tolerance,
            AtLeast = t.Comparison == TargetComparison.AtLeast,
            Met = t.Met,
        }));
        response.Conflicts.AddRange(report.Conflicts.Select(c =>
            $"{c.Topic}: {string.Join(" vs ", c.Values.Select(v => $"{v.Value:N0} ({v.Source})"))}; used: {c.Used}, for {c.UsedFor}"));
        return response;
    }

    private static BrandSummary Summary(BrandSnapshot snapshot)
    {
        var brand = snapshot.Brand;
        var summary = new BrandSummary
        {
            Id = brand.Id,
            Name = brand.Name,
            Group = brand.Group,
            Version = snapshot.Version,
            BaseYearUnits = brand.Markets.OrEmpty().SelectMany(m => m.Sales.OrEmpty()).Sum(s => s.Units.Value),
        };
        summary.Markets.AddRange(brand.Markets.OrEmpty().Select(m => m.Market));
        summary.Powertrains.AddRange(brand.Offers.OrEmpty().Select(o => ApiEnums.Powertrain(o.Powertrain)));
        summary.Plants.AddRange(brand.Plants.OrEmpty().Select(p => p.Id));
        return summary;
    }

    private static MarketSummary Summary(MarketSnapshot snapshot)
    {
        var market = snapshot.Market;
        return new MarketSummary
        {
            Id = market.Id,
            Name = market.Name,
            Country = market.Country,
            Region = market.Region,
            CustomsUnion = market.CustomsUnion ?? "",
            Version = snapshot.Version,
            NewCarSales = market.NewCarSales.Value,
            BevShare = market.BevShare.Value,
            PhevShare = market.PhevShare.Value,
            PublicChargers = market.PublicChargers.Value,
            Aggregate = market.Aggregate,
        };
    }
}
