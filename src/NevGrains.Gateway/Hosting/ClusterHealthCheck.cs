using Microsoft.Extensions.Diagnostics.HealthChecks;
using NevGrains.Contracts.Data;

namespace NevGrains.Gateway.Hosting;

/// <summary>Serving only while a silo answers: the dataset grain must reply within two seconds.</summary>
public sealed class ClusterHealthCheck(IGrainFactory grains) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var info = await grains.GetGrain<IDatasetGrain>(IDatasetGrain.Key).GetInfo().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
            return HealthCheckResult.Healthy($"dataset {info.Version}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // No exception object: the health publisher logs every result, and a stack trace every two seconds hides real errors.
            return HealthCheckResult.Unhealthy($"no silo answers ({ex.GetType().Name}: {ex.Message})");
        }
    }
}
