using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NevGrains.Contracts.Batches;

namespace NevGrains.Grains.Batches;

/// <summary>
/// Keeps running batches alive across silo loss. A batch whose silo was drained or killed is reactivated by the next call to it;
/// the batch's reminder makes that call within a minute, and this service (on every silo) makes it within
/// <see cref="BatchOptions.KeeperInterval"/>, so a batch resumes on the surviving silos seconds after its silo is declared dead.
/// </summary>
public sealed partial class BatchKeeper(IGrainFactory grains, IOptions<BatchOptions> options, ILogger<BatchKeeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.KeeperInterval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }
        // Spread the silos' rounds so they do not all call at the same instant.
        using var timer = new PeriodicTimer(interval + TimeSpan.FromMilliseconds(Random.Shared.Next(0, (int)Math.Min(1000, interval.TotalMilliseconds / 2))));
        // Stopping cancels the wait; the host treats that cancellation as a normal end.
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var running = await grains.GetGrain<IBatchRegistryGrain>(IBatchRegistryGrain.Key).Running().WaitAsync(interval, stoppingToken);
                await Task.WhenAll(running.Select(b => grains.GetGrain<IBatchGrain>(b.Id).GetStatus().WaitAsync(interval, stoppingToken)));
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // A silo that has just died still owns the grains until it is declared dead; the next round retries.
                LogRoundFailed(ex, interval);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Batch keeper round failed; retrying in {Interval}")]
    private partial void LogRoundFailed(Exception exception, TimeSpan interval);
}
