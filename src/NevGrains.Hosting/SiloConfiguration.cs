using System.Net;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NevGrains.Contracts.Data;
using NevGrains.Grains;
using NevGrains.Grains.Batches;
using NevGrains.Grains.Data;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace NevGrains.Hosting;

/// <summary>Wires a silo the one way NevGrains needs it: clustering, grain storage, reminders and the grains' services.</summary>
public static partial class SiloConfiguration
{
    /// <summary>Binds <see cref="NevGrainsOptions"/> from configuration (section <c>NevGrains</c>, connection string <c>AzureStorage</c>).</summary>
    public static NevGrainsOptions ReadNevGrainsOptions(this IConfiguration configuration)
    {
        var options = new NevGrainsOptions();
        configuration.GetSection(NevGrainsOptions.Section).Bind(options);
        options.AzureStorageConnectionString ??= configuration.GetConnectionString("AzureStorage");
        return options;
    }

    /// <summary>Hosts a silo in this process, configured from the host's configuration.</summary>
    public static IHostApplicationBuilder AddNevGrainsSilo(this IHostApplicationBuilder builder, Action<ISiloBuilder>? configure = null)
    {
        var options = builder.Configuration.ReadNevGrainsOptions();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);
        builder.UseOrleans(silo =>
        {
            silo.ConfigureNevGrains(options, builder.Configuration);
            silo.AddActivityPropagation();
            silo.AddNevGrainsDashboard(builder.Configuration.ReadDashboardOptions());
            configure?.Invoke(silo);
        });
        return builder;
    }

    /// <summary>Clustering, storage, reminders and the grains' services, as <paramref name="options"/> say.</summary>
    public static ISiloBuilder ConfigureNevGrains(this ISiloBuilder silo, NevGrainsOptions options, IConfiguration? configuration = null) =>
        silo.UseNevGrainsClustering(options).UseNevGrainsStorage(options).AddNevGrainsServices(options, configuration);

    public static ISiloBuilder UseNevGrainsClustering(this ISiloBuilder silo, NevGrainsOptions options)
    {
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ServiceId = options.ServiceId;
        });
        if (options.SiloName is { Length: > 0 } name)
        {
            silo.Configure<SiloOptions>(o => o.SiloName = name);
        }
        switch (options.Clustering)
        {
            case ClusteringMode.Localhost:
                silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort);
                break;
            case ClusteringMode.AzureTable:
                var tables = new TableServiceClient(RequireConnectionString(options));
                silo.UseAzureStorageClustering(o =>
                {
                    o.TableServiceClient = tables;
                    o.TableName = $"{options.TablePrefix}Membership";
                });
                var advertised = options.AdvertisedIp is { Length: > 0 } ip ? ResolveAdvertisedAddress(ip) : IPAddress.Loopback;
                silo.ConfigureEndpoints(advertised, options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: options.AdvertisedIp is { Length: > 0 });
                break;
        }
        return silo;
    }

    public static ISiloBuilder UseNevGrainsStorage(this ISiloBuilder silo, NevGrainsOptions options)
    {
        switch (options.Storage)
        {
            case StorageMode.Memory:
                silo.AddMemoryGrainStorage(StorageNames.Data);
                silo.AddMemoryGrainStorage(StorageNames.Snapshots);
                silo.AddMemoryGrainStorage(StorageNames.Batches);
                silo.UseInMemoryReminderService();
                break;
            case StorageMode.Azure:
                var connection = RequireConnectionString(options);
                var tables = new TableServiceClient(connection);
                silo.AddAzureTableGrainStorage(StorageNames.Data, o =>
                {
                    o.TableServiceClient = tables;
                    o.TableName = $"{options.TablePrefix}Data";
                });
                silo.AddAzureTableGrainStorage(StorageNames.Batches, o =>
                {
                    o.TableServiceClient = tables;
                    o.TableName = $"{options.TablePrefix}Batches";
                });
                silo.AddAzureBlobGrainStorage(StorageNames.Snapshots, o =>
                {
                    o.BlobServiceClient = new BlobServiceClient(connection);
                    o.ContainerName = $"{options.TablePrefix}-snapshots";
                });
                // Orleans' own binary format: stable across renames thanks to [Alias], and no $type allow-list to maintain.
                silo.Services.AddOptions<AzureTableStorageOptions>(StorageNames.Data).PostConfigure<Serializer>((o, s) => o.GrainStorageSerializer = new OrleansGrainStorageSerializer(s));
                silo.Services.AddOptions<AzureTableStorageOptions>(StorageNames.Batches).PostConfigure<Serializer>((o, s) => o.GrainStorageSerializer = new OrleansGrainStorageSerializer(s));
                silo.Services.AddOptions<AzureBlobStorageOptions>(StorageNames.Snapshots).PostConfigure<Serializer>((o, s) => o.GrainStorageSerializer = new OrleansGrainStorageSerializer(s));
                silo.UseAzureTableReminderService(o =>
                {
                    o.TableServiceClient = tables;
                    o.TableName = $"{options.TablePrefix}Reminders";
                });
                break;
        }
        return silo.BoundGrainStorage(options.StorageTimeout);
    }

    /// <summary>
    /// Wraps the registered providers of <see cref="StorageNames"/> in <see cref="BoundedGrainStorage"/>, so no storage operation
    /// holds a grain longer than <paramref name="timeout"/>. Call it after the providers are added.
    /// </summary>
    public static ISiloBuilder BoundGrainStorage(this ISiloBuilder silo, TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{NevGrainsOptions.Section}:StorageTimeout must be positive, not {timeout}");
        }
        foreach (var name in new[] { StorageNames.Data, StorageNames.Snapshots, StorageNames.Batches })
        {
            var registered = silo.Services.LastOrDefault(d => d.ServiceType == typeof(IGrainStorage) && d.IsKeyedService && Equals(d.ServiceKey, name))
                ?? throw new InvalidOperationException($"no grain storage '{name}' is registered to bound");
            silo.Services.Remove(registered);
            silo.Services.AddKeyedSingleton<IGrainStorage>(name, (services, key) =>
                new BoundedGrainStorage(Create(registered, services, key), timeout, services.GetService<TimeProvider>() ?? TimeProvider.System));
        }
        return silo;
    }

    private static IGrainStorage Create(ServiceDescriptor registered, IServiceProvider services, object? key) =>
        registered.KeyedImplementationFactory is { } factory ? (IGrainStorage)factory(services, key)
        : registered.KeyedImplementationInstance is IGrainStorage instance ? instance
        : (IGrainStorage)ActivatorUtilities.CreateInstance(services, registered.KeyedImplementationType!);

    /// <summary>The services the grains need, whatever the clustering and storage.</summary>
    public static ISiloBuilder AddNevGrainsServices(this ISiloBuilder silo, NevGrainsOptions? options = null, IConfiguration? configuration = null)
    {
        // A grain call that times out is cancelled rather than left running (the default in 10 is false).
        silo.Configure<SiloMessagingOptions>(o => o.CancelRequestOnTimeout = true);
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddSingleton<BaselineCache>();
        silo.Services.AddSingleton<NevGrains.Grains.Scenarios.BaseRunCache>();
        silo.Services.AddSingleton<NevGrains.Grains.Compute.ComputeGate>();
        var compute = silo.Services.AddOptions<NevGrains.Grains.Compute.ComputeOptions>()
            .Validate(o => o.Slots is >= 0 and <= 1024, $"{NevGrains.Grains.Compute.ComputeOptions.Section}:Slots must be 0 (one per core) to 1024")
            .ValidateOnStart();
        if (configuration is not null)
        {
            compute.Bind(configuration.GetSection(NevGrains.Grains.Compute.ComputeOptions.Section));
        }
        silo.Services.AddMetrics();
        silo.Services.TryAddSingleton<BatchMetrics>();
        silo.Services.AddHostedService<BatchKeeper>();
        silo.Services.TryAddSingleton(options?.SeedFolder is { Length: > 0 } folder ? DatasetSeed.FromFolder(folder) : DatasetSeed.Shipped);
        var batches = silo.Services.AddOptions<BatchOptions>().ValidateOnStart();
        silo.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BatchOptions>, BatchOptionsValidator>());
        if (configuration is not null)
        {
            batches.Bind(configuration.GetSection(BatchOptions.Section));
        }
        // Seed (or load) the dataset as the silo starts, not on the first user request. A failure here (storage briefly down)
        // must not stop the silo: the dataset grain activates again on first use.
        silo.AddStartupTask(async (services, _) =>
        {
            try
            {
                await services.GetRequiredService<IGrainFactory>().GetGrain<IDatasetGrain>(IDatasetGrain.Key).GetInfo();
            }
            catch (Exception ex)
            {
                LogDatasetNotLoaded(services.GetRequiredService<ILoggerFactory>().CreateLogger("NevGrains.Startup"), ex);
            }
        });
        return silo;
    }

    /// <summary>An IP as is; a host name (a compose service, a pod's DNS name) resolved once, IPv4 first, as peers must dial it.</summary>
    public static IPAddress ResolveAdvertisedAddress(string ipOrHost)
    {
        if (IPAddress.TryParse(ipOrHost, out var ip))
        {
            return ip;
        }
        var addresses = Dns.GetHostAddresses(ipOrHost);
        return addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            ?? addresses.FirstOrDefault()
            ?? throw new InvalidOperationException($"NevGrains:AdvertisedIp '{ipOrHost}' resolves to no address");
    }

    private static string RequireConnectionString(NevGrainsOptions options) =>
        options.AzureStorageConnectionString is { Length: > 0 } connection
            ? connection
            : throw new InvalidOperationException("NevGrains:AzureStorageConnectionString (or ConnectionStrings:AzureStorage) is required for Azure clustering or storage");

    [LoggerMessage(Level = LogLevel.Warning, Message = "The dataset could not be loaded at startup; it will be loaded on first use")]
    private static partial void LogDatasetNotLoaded(ILogger logger, Exception exception);
}
