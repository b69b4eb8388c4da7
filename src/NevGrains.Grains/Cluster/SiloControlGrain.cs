using Microsoft.Extensions.Hosting;
using NevGrains.Contracts.Cluster;
using NevGrains.Contracts.Data;

namespace NevGrains.Grains.Cluster;

/// <summary>
/// Lives on the silo it is keyed by (random placement honours the caller's placement hint). Draining stops the host: Orleans then
/// marks the silo ShuttingDown so placement skips it, deactivates its grains and leaves the cluster; running batches pick up their
/// unfinished chunks on the remaining silos (see <c>BatchKeeper</c>).
/// </summary>
[Orleans.Placement.RandomPlacement]
public sealed partial class SiloControlGrain(
    ILocalSiloDetails silo,
    IHostApplicationLifetime lifetime,
    ILogger<SiloControlGrain> logger) : Grain, ISiloControlGrain
{
    public async Task<DrainAccepted> Drain(string requestedBy)
    {
        var key = this.GetPrimaryKeyString();
        if (!string.Equals(key, silo.SiloAddress.ToParsableString(), StringComparison.Ordinal))
        {
            // Placed elsewhere (the target left the cluster between lookup and call): never stop the wrong silo.
            DeactivateOnIdle();
            throw new NotFoundException("silo", key);
        }
        var statistics = await GrainFactory.GetGrain<IManagementGrain>(0).GetRuntimeStatistics([silo.SiloAddress]);
        var activations = statistics.Length > 0 ? statistics[0].ActivationCount : 0;
        LogDrain(requestedBy, silo.SiloAddress, silo.Name, activations);
        // Answer first, then stop: StopApplication returns at once and the host shuts down in the background.
        _ = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200));
            lifetime.StopApplication();
        });
        return new DrainAccepted(silo.SiloAddress.ToString(), silo.Name, activations);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drain requested by {Caller}: silo {Silo} ({Name}) is shutting down gracefully with {Activations} activations")]
    private partial void LogDrain(string caller, SiloAddress silo, string name, int activations);
}
