using Microsoft.Extensions.DependencyInjection;
using NevGrains.Grains.Data;
using NevGrains.Hosting;
using NevGrains.Model.Data;
using NevGrains.TestSupport;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;

namespace NevGrains.Grains.Tests.Support;

/// <summary>
/// An in-process cluster of two silos on the synthetic dataset, with storage that outlives silos. One per test class that
/// uses it (tests that stop silos get their own).
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    private static readonly Dictionary<string, SharedMemoryStore> Stores = [];

    public ClusterFixture() : this(2, SyntheticDataset.Small)
    {
    }

    protected ClusterFixture(short silos, Func<Dataset> seed)
    {
        StoreId = Guid.NewGuid().ToString("N");
        lock (Stores)
        {
            Stores[StoreId] = Store;
        }
        var builder = new InProcessTestClusterBuilder(silos);
        var storeId = StoreId;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddNevGrainsServices();
            silo.UseInMemoryReminderService();
            foreach (var name in new[] { StorageNames.Data, StorageNames.Snapshots, StorageNames.Batches })
            {
                silo.Services.AddKeyedSingleton<IGrainStorage>(name, (sp, _) =>
                    new SharedMemoryGrainStorage(name, sp.GetRequiredService<Serializer>(), StoreFor(storeId)));
            }
            silo.BoundGrainStorage(StorageTimeout);
            silo.Services.AddSingleton(new DatasetSeed(seed));
        });
        Cluster = builder.Build();
    }

    /// <summary>The silos' bound on one storage operation: what a stalled write (<see cref="StorageFault.Hang"/>) waits before failing.</summary>
    public static readonly TimeSpan StorageTimeout = TimeSpan.FromSeconds(5);

    public InProcessTestCluster Cluster { get; }

    public SharedMemoryStore Store { get; } = new();

    public string StoreId { get; }

    public IGrainFactory Grains => Cluster.Client;

    public virtual async ValueTask InitializeAsync() => await Cluster.DeployAsync();

    public virtual async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        lock (Stores)
        {
            Stores.Remove(StoreId);
        }
        GC.SuppressFinalize(this);
    }

    private static SharedMemoryStore StoreFor(string id)
    {
        lock (Stores)
        {
            return Stores[id];
        }
    }
}
