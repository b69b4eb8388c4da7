using System.Collections.Concurrent;
using System.Diagnostics;
using NevGrains.Api.V1;
using NevGrains.Gateway.Tests.Support;

namespace NevGrains.Gateway.Tests.Hosting;

/// <summary>One trace runs from the caller through the gateway into the grains, so a slow scenario can be followed end to end.</summary>
[Collection(GatewayCollection.Name)]
public sealed class TelemetryTests(GatewayFixture gateway)
{
    [Fact]
    public async Task A_callers_trace_continues_through_the_gateway_into_grain_calls()
    {
        var seen = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) || source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = seen.Add,
        };
        ActivitySource.AddActivityListener(listener);
        using var caller = new ActivitySource("NevGrains.Tests.Caller");
        using var callerListener = new ActivityListener
        {
            ShouldListenTo = source => source == caller,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(callerListener);

        ActivityTraceId traceId;
        using (var root = caller.StartActivity("planning-tool-request")!)
        {
            traceId = root.TraceId;
            await gateway.Scenarios().RunScenarioAsync(new RunScenarioRequest
            {
                Scenario = new Scenario { Name = "traced", Horizon = 2027 },
                Filter = new ResultFilter { Owners = { "byd" }, Markets = { "hu" } },
            });
        }

        var trace = seen.Where(a => a.TraceId == traceId).ToList();
        Assert.Contains(trace, a => a.Source.Name == "Microsoft.AspNetCore");
        Assert.Contains(trace, a => a.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal)
            && a.DisplayName.Contains("IScenarioWorkerGrain", StringComparison.Ordinal));
    }
}
