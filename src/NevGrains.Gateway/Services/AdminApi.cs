using System.Text.Json;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using NevGrains.Api.V1;
using NevGrains.Contracts.Batches;
using NevGrains.Contracts.Cluster;
using NevGrains.Contracts.Data;
using NevGrains.Model.Data;
using Orleans.Runtime.Placement;

namespace NevGrains.Gateway.Services;

/// <summary>Data changes (validated against the whole dataset, version-checked) and the cluster's state.</summary>
[Authorize(Policy = Security.Roles.Admin)]
public sealed class AdminApi(IGrainFactory grains) : AdminService.AdminServiceBase
{
    private IDatasetGrain Dataset => grains.GetGrain<IDatasetGrain>(IDatasetGrain.Key);

    public override async Task<UpdateMarketResponse> UpdateMarket(UpdateMarketRequest request, ServerCallContext context)
    {
        var market = Parse<MarketData>(request.Json);
        var written = await Dataset.UpdateMarket(market, request.ExpectedVersion, context.CallerName());
        return new UpdateMarketResponse { Version = written.Version, DatasetVersion = written.DatasetVersion };
    }

    public override async Task<UpdateBrandResponse> UpdateBrand(UpdateBrandRequest request, ServerCallContext context)
    {
        var brand = Parse<BrandData>(request.Json);
        var written = await Dataset.UpdateBrand(brand, request.ExpectedVersion, context.CallerName());
        return new UpdateBrandResponse { Version = written.Version, DatasetVersion = written.DatasetVersion };
    }

    public override async Task<ImportBaselineResponse> ImportBaseline(ImportBaselineRequest request, ServerCallContext context)
    {
        var dataset = DatasetLoader.Read(request.Files, out var issues);
        if (dataset is null || issues.Count > 0)
        {
            throw new DatasetException(issues.Count > 0 ? issues : [new DataIssue("files", "dataset", "(files)", "no dataset in the request")]);
        }
        var info = await Dataset.Import(dataset, context.CallerName());
        return new ImportBaselineResponse { DatasetVersion = info.Version };
    }

    public override async Task<ExportBaselineResponse> ExportBaseline(ExportBaselineRequest request, ServerCallContext context)
    {
        var info = await Dataset.GetInfo();
        var dataset = await grains.GetGrain<IDatasetSnapshotGrain>(info.Version).Get() ?? throw new NotFoundException("dataset", info.Version);
        var response = new ExportBaselineResponse { DatasetVersion = info.Version };
        foreach (var (file, json) in DatasetLoader.ToFiles(dataset))
        {
            response.Files[file] = json;
        }
        return response;
    }

    public override async Task<GetClusterStatusResponse> GetClusterStatus(GetClusterStatusRequest request, ServerCallContext context)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetDetailedHosts(onlyActive: true);
        var statistics = await management.GetRuntimeStatistics([.. hosts.Select(h => h.SiloAddress)]);
        var running = await grains.GetGrain<IBatchRegistryGrain>(IBatchRegistryGrain.Key).Running();
        var response = new GetClusterStatusResponse
        {
            DatasetVersion = (await Dataset.GetInfo()).Version,
            RunningBatches = running.Length,
            PendingItems = running.Sum(b => Math.Max(0, b.Total - b.Completed)),
        };
        response.Batches.AddRange(running.Select(b => new RunningBatchInfo { Id = b.Id, Owner = b.Owner, Total = b.Total, Completed = b.Completed }));
        for (var i = 0; i < hosts.Length; i++)
        {
            response.Silos.Add(new SiloInfo
            {
                Address = hosts[i].SiloAddress.ToString(),
                Status = hosts[i].Status.ToString(),
                Name = hosts[i].SiloName ?? "",
                Activations = statistics[i].ActivationCount,
                CpuUsage = statistics[i].EnvironmentStatistics.FilteredCpuUsagePercentage,
                RecentlyUsedActivations = statistics[i].RecentlyUsedActivationCount,
                MemoryUsedBytes = statistics[i].EnvironmentStatistics.FilteredMemoryUsageBytes,
                Overloaded = statistics[i].IsOverloaded,
                ReceivedMessages = statistics[i].ReceivedMessages,
            });
        }
        return response;
    }

    public override async Task<DrainSiloResponse> DrainSilo(DrainSiloRequest request, ServerCallContext context)
    {
        if (string.IsNullOrWhiteSpace(request.Silo))
        {
            throw Require.Invalid("silo", "missing: give the silo's address, host:port or name (see GetClusterStatus)");
        }
        var hosts = await grains.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: true);
        var target = hosts.FirstOrDefault(h => Names(h).Contains(request.Silo.Trim(), StringComparer.OrdinalIgnoreCase))
            ?? throw new NotFoundException("silo", request.Silo);
        if (hosts.Length < 2)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"{target.SiloName} is the last active silo; add a silo before draining it"));
        }
        // The placement hint puts the control grain on the target silo; the grain checks it and refuses to act anywhere else.
        RequestContext.Set(IPlacementDirector.PlacementHintKey, target.SiloAddress);
        try
        {
            var accepted = await grains.GetGrain<ISiloControlGrain>(target.SiloAddress.ToParsableString()).Drain(context.CallerName());
            return new DrainSiloResponse { Address = accepted.Silo, Name = accepted.Name, Activations = accepted.Activations };
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
    }

    private static string[] Names(MembershipEntry host) =>
        [host.SiloAddress.ToString(), host.SiloAddress.ToParsableString(), host.SiloAddress.Endpoint.ToString(), host.SiloName ?? ""];

    private static T Parse<T>(string json) where T : class
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            throw Require.Invalid("json", "missing");
        }
        try
        {
            return DatasetJson.Deserialize<T>(json);
        }
        catch (JsonException ex)
        {
            var where = ex.Path is { Length: > 0 } path ? "json" + path.TrimStart('$') : "json";
            throw Require.Invalid(where, ex.Message.Split(" Path:")[0]);
        }
    }
}
