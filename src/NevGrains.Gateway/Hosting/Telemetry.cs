using System.Diagnostics.Metrics;

namespace NevGrains.Gateway.Hosting;

/// <summary>The gateway's own traces and metrics (next to ASP.NET Core's and Orleans').</summary>
public static class Telemetry
{
    private static readonly Meter Meter = new(NevGrains.Hosting.TelemetrySetup.SourceName);

    /// <summary>Scenarios evaluated for callers, by kind (run, compare, explain, query, experiment run).</summary>
    public static readonly Counter<long> ScenariosEvaluated = Meter.CreateCounter<long>("nevgrains.scenarios.evaluated", "{scenario}",
        "Scenarios evaluated for callers");

    public static void Evaluated(string kind, long count = 1) =>
        ScenariosEvaluated.Add(count, new KeyValuePair<string, object?>("kind", kind));

    /// <summary>Batches submitted.</summary>
    public static readonly Counter<long> BatchesSubmitted = Meter.CreateCounter<long>("nevgrains.batches.submitted", "{batch}", "Batches submitted");

    private static ClusterLoadMonitor? s_load;

    static Telemetry()
    {
        // The autoscaling signal: scenario work accepted but not done yet, across the cluster.
        Meter.CreateObservableGauge("nevgrains.batch.items.pending", () => s_load is { } load ? load.Running.Sum(b => Math.Max(0, b.Total - b.Completed)) : 0L,
            "{item}", "Items of running batches not evaluated yet");
        Meter.CreateObservableGauge("nevgrains.batches.running", () => s_load is { } load ? load.Running.Length : 0, "{batch}", "Batches running");
        Meter.CreateObservableGauge("nevgrains.batch.items.completed", () => s_load is { } load ? load.Running.Sum(b => b.Completed) : 0L,
            "{item}", "Items of running batches evaluated so far");
    }

    internal static void ObserveLoad(ClusterLoadMonitor monitor) => s_load = monitor;
}
