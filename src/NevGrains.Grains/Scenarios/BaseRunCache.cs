using System.Collections.Concurrent;
using System.Globalization;
using NevGrains.Contracts;
using NevGrains.Grains.Compute;
using NevGrains.Model.Engine;
using NevGrains.Model.Results;
using NevGrains.Model.Scenarios;

namespace NevGrains.Grains.Scenarios;

/// <summary>
/// Per silo: the base run (no levers) of each dataset version, horizon and parameter set in use. A comparison pairs a scenario with
/// its base, and the base is the same for every scenario with that horizon and those parameters, so it is run once, not per call.
/// A run that fails is forgotten, so the next asker runs it again instead of getting the same failure for as long as it is cached.
/// </summary>
public sealed class BaseRunCache
{
    private const int MaxEntries = 32;

    private readonly ConcurrentDictionary<string, Lazy<Task<ScenarioResult>>> _runs = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();
    private readonly ComputeGate _gate;
    private readonly Func<CompiledBaseline, Scenario, ScenarioResult> _run;

    public BaseRunCache(ComputeGate gate)
        : this(gate, static (compiled, scenario) => ScenarioEngine.Run(compiled, scenario))
    {
    }

    /// <summary>Tests put a run that fails on demand in place of the engine.</summary>
    internal BaseRunCache(ComputeGate gate, Func<CompiledBaseline, Scenario, ScenarioResult> run)
    {
        _gate = gate;
        _run = run;
    }

    /// <summary>
    /// The base of <paramref name="scenario"/> (validated against <paramref name="compiled"/>), run at the compute gate in the first
    /// asker's turn when not cached. It is not cancelled with that asker's call: others may be waiting on it.
    /// </summary>
    public Task<ScenarioResult> BaseOf(CompiledBaseline compiled, Scenario scenario)
    {
        var horizon = ScenarioValidator.HorizonOf(scenario, compiled);
        var key = KeyOf(compiled.Version, horizon, scenario);
        var lazy = _runs.GetOrAdd(key, _ =>
        {
            _order.Enqueue(key);
            var baseScenario = Scenario.Base(horizon) with { Parameters = scenario.Parameters };
            Lazy<Task<ScenarioResult>>? entry = null;
            entry = new Lazy<Task<ScenarioResult>>(() => RunForgettingFailure(key, baseScenario, compiled, entry!));
            return entry;
        });
        Evict();
        return lazy.Value;
    }

    private async Task<ScenarioResult> RunForgettingFailure(
        string key, Scenario baseScenario, CompiledBaseline compiled, Lazy<Task<ScenarioResult>> entry)
    {
        try
        {
            return await _gate.Run(ComputeClass.Interactive, CallerOnCall.Current,
                _ => _run(compiled, baseScenario), CancellationToken.None);
        }
        catch
        {
            // Only this entry: a newer run under the same key may already have replaced it.
            _runs.TryRemove(new KeyValuePair<string, Lazy<Task<ScenarioResult>>>(key, entry));
            throw;
        }
    }

    private void Evict()
    {
        while (_runs.Count > MaxEntries && _order.TryDequeue(out var oldest))
        {
            _runs.TryRemove(oldest, out _);
        }
    }

    private static string KeyOf(string version, int horizon, Scenario scenario)
    {
        var parameters = scenario.Parameters is { Count: > 0 } p
            ? string.Join(';', p.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value.ToString("R", CultureInfo.InvariantCulture)}"))
            : "";
        return $"{version}|{horizon}|{parameters}";
    }
}
