using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NevGrains.Gateway.Hosting;
using NevGrains.Gateway.Services;
using NevGrains.Grains;
using NevGrains.Hosting;
using Orleans.TestingHost;

namespace NevGrains.Gateway.Tests.Support;

/// <summary>
/// The gateway's services over an in-process silo (shipped baseline, in-memory state), called as plain methods: no Kestrel,
/// no sockets. Small limits, so the tests can reach them.
/// </summary>
public sealed class ServiceFixture : IAsyncLifetime
{
    public const long MaxBatchItems = 50;
    public const long MaxExperimentRuns = 20;

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public ServiceFixture()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(StorageNames.Data);
            silo.AddMemoryGrainStorage(StorageNames.Snapshots);
            silo.AddMemoryGrainStorage(StorageNames.Batches);
            silo.UseInMemoryReminderService();
            silo.AddNevGrainsServices();
        });
        Cluster = builder.Build();
        Options = Microsoft.Extensions.Options.Options.Create(new GatewayOptions
        {
            Limits = new LimitOptions { MaxBatchItems = MaxBatchItems, MaxConcurrentBatchesPerCaller = 2, MaxExperimentRuns = MaxExperimentRuns },
        });
    }

    public InProcessTestCluster Cluster { get; }

    public IOptions<GatewayOptions> Options { get; }

    public IGrainFactory Grains => Cluster.Client;

    public GatewayMetrics Metrics => new(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
        new ClusterLoadMonitor(Grains, Options, NullLogger<ClusterLoadMonitor>.Instance));

    public ErrorInterceptor Errors { get; } = new(NullLogger<ErrorInterceptor>.Instance);

    public async ValueTask InitializeAsync() => await Cluster.DeployAsync();

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await _services.DisposeAsync();
    }
}
