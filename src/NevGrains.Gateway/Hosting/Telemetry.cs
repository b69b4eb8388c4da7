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
}
