using System.Diagnostics.Metrics;

namespace NevGrains.Gateway.Hosting;

/// <summary>
/// The gateway's own metrics (meter <c>NevGrains</c>, next to ASP.NET Core's and Orleans'), created through the host's
/// <see cref="IMeterFactory"/> so each host (and each test host) has its own instruments.
/// </summary>
public sealed class GatewayMetrics
{
    private readonly Counter<long> _scenariosEvaluated;
    private readonly Counter<long> _batchesSubmitted;

    public GatewayMetrics(IMeterFactory meters, ClusterLoadMonitor load)
    {
        var meter = meters.Create(NevGrains.Hosting.TelemetrySetup.SourceName);
        _scenariosEvaluated = meter.CreateCounter<long>("nevgrains.scenarios.evaluated", "{scenario}", "Scenarios evaluated for callers");
        _batchesSubmitted = meter.CreateCounter<long>("nevgrains.batches.submitted", "{batch}", "Batches submitted");
        // The autoscaling signal: scenario work accepted but not done yet, across the cluster.
        meter.CreateObservableGauge("nevgrains.batch.items.pending", () => load.Running.Sum(b => Math.Max(0, b.Total - b.Completed)),
            "{item}", "Items of running batches not evaluated yet");
        meter.CreateObservableGauge("nevgrains.batches.running", () => load.Running.Length, "{batch}", "Batches running");
        meter.CreateObservableGauge("nevgrains.batch.items.completed", () => load.Running.Sum(b => b.Completed), "{item}",
            "Items of running batches evaluated so far");
    }

    /// <summary>Scenarios evaluated for callers, by kind (run, compare, explain, market, brand, experiment kinds).</summary>
    public void Evaluated(string kind, long count = 1) => _scenariosEvaluated.Add(count, new KeyValuePair<string, object?>("kind", kind));

    public void BatchSubmitted(string kind) => _batchesSubmitted.Add(1, new KeyValuePair<string, object?>("kind", kind));
}
