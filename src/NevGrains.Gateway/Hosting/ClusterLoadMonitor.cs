using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using NevGrains.Contracts.Batches;

namespace NevGrains.Gateway.Hosting;

/// <summary>
/// Reads the cluster's running batches every <see cref="GatewayOptions.LoadPollInterval"/> for the pending-work gauges that
/// autoscaling reads (<c>nevgrains_batch_items_pending</c>). The last good reading stays until the cluster answers again.
/// </summary>
public sealed partial class ClusterLoadMonitor(IGrainFactory grains, IOptions<GatewayOptions> options, ILogger<ClusterLoadMonitor> logger) : BackgroundService
{
    private ImmutableArray<RunningBatch> _running = [];

    public ImmutableArray<RunningBatch> Running => _running;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.LoadPollInterval;
        using var timer = new PeriodicTimer(interval);
        do
        {
            try
            {
                _running = await grains.GetGrain<IBatchRegistryGrain>(IBatchRegistryGrain.Key).Running().WaitAsync(interval, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogReadFailed(ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken)); // cancelled at stop: a normal end for a BackgroundService
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not read running batches; keeping the last reading")]
    private partial void LogReadFailed(Exception exception);
}
