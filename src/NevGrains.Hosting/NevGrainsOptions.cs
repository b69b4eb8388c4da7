namespace NevGrains.Hosting;

public enum ClusteringMode
{
    /// <summary>One process on 127.0.0.1 (the embedded default and tests).</summary>
    Localhost,
    /// <summary>Membership in Azure Table storage (Azurite in development, Azure in production).</summary>
    AzureTable,
}

public enum StorageMode
{
    /// <summary>In-memory grain state and reminders: nothing survives the process.</summary>
    Memory,
    /// <summary>Azure Table (state, batches, reminders) and Azure Blob (dataset snapshots).</summary>
    Azure,
}

/// <summary>How a silo joins its cluster and where it keeps state (configuration section <c>NevGrains</c>).</summary>
public sealed class NevGrainsOptions
{
    public const string Section = "NevGrains";

    public ClusteringMode Clustering { get; set; } = ClusteringMode.Localhost;
    public StorageMode Storage { get; set; } = StorageMode.Memory;

    /// <summary>Azure Storage connection string; also read from <c>ConnectionStrings:AzureStorage</c>. Keep it out of source control.</summary>
    public string? AzureStorageConnectionString { get; set; }

    public string ClusterId { get; set; } = "nevgrains";
    public string ServiceId { get; set; } = "nevgrains";

    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Client gateway port (external gateways connect here).</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos reach this one at: an IP (a pod IP in Kubernetes) or a host name resolved at start (a compose
    /// service); loopback when not set.</summary>
    public string? AdvertisedIp { get; set; }

    /// <summary>The silo's name (a pod name in Kubernetes).</summary>
    public string? SiloName { get; set; }

    /// <summary>Prefix for Azure table names, so several clusters can share a storage account.</summary>
    public string TablePrefix { get; set; } = "nevgrains";

    /// <summary>A dataset folder to seed an empty cluster from; the shipped baseline when not set.</summary>
    public string? SeedFolder { get; set; }

    /// <summary>
    /// Longest wait for one storage read or write: past it the call fails with UNAVAILABLE ("storage did not answer within ...")
    /// rather than at the caller's deadline. Below Orleans' 30 s response timeout, so callers see the storage error, not a timeout.
    /// </summary>
    public TimeSpan StorageTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a stopping silo waits for in-flight work before it leaves the cluster.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
