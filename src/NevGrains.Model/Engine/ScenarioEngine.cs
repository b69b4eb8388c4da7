using NevGrains.Model.Engine.Supply;
using NevGrains.Model.Parameters;
using NevGrains.Model.Results;
using NevGrains.Model.Scenarios;

namespace NevGrains.Model.Engine;

/// <summary>Runs scenarios against a compiled baseline. Pure and deterministic: the same inputs give the same result on any thread.</summary>
public static class ScenarioEngine
{
    /// <summary>
    /// Validates and runs a scenario; throws <see cref="ScenarioException"/> for an invalid one. A cancelled
    /// <paramref name="cancellationToken"/> stops the run at the next year (<see cref="OperationCanceledException"/>).
    /// </summary>
    public static ScenarioResult Run(CompiledBaseline compiled, Scenario scenario, ModelParameters? parameters = null, CancellationToken cancellationToken = default)
    {
        ScenarioValidator.EnsureValid(scenario, compiled);
        return RunValidated(compiled, scenario, parameters, growthOffset: null, cancellationToken);
    }

    /// <summary>Runs a scenario the caller already validated against <paramref name="compiled"/> with <see cref="ScenarioValidator"/>.</summary>
    public static ScenarioResult RunValidated(CompiledBaseline compiled, Scenario scenario, CancellationToken cancellationToken = default) =>
        RunValidated(compiled, scenario, null, growthOffset: null, cancellationToken);

    /// <summary>Runs a scenario already validated against <paramref name="compiled"/> (experiments validate once, run many times).</summary>
    internal static ScenarioResult RunValidated(CompiledBaseline compiled, Scenario scenario, ModelParameters? parameters, double[]? growthOffset,
        CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var effective = EffectiveParameters(scenario, parameters);
        var inputs = ScenarioInputs.Build(compiled, scenario, effective, compiled.BaseTariffs);
        // Every run, the lever-free one included, splits plants into the powertrain lines of the flexible plants' lever-free equilibrium
        // (section 6.1), so a lever that changes nothing changes no figure.
        var lines = compiled.LinesFor(effective, inputs.Years, growthOffset,
            () => FlexibleLines(compiled, scenario.Horizon, effective, growthOffset, cancellationToken));
        return new Simulation(inputs, growthOffset, lines).Execute(scenario.Name, cancellationToken);
    }

    private static ProductionLines FlexibleLines(CompiledBaseline compiled, int? horizon, ModelParameters parameters, double[]? growthOffset,
        CancellationToken cancellationToken)
    {
        var leverFree = Scenario.Base(horizon);
        var simulation = new Simulation(ScenarioInputs.Build(compiled, leverFree, parameters, compiled.BaseTariffs), growthOffset);
        simulation.Execute(leverFree.Name, cancellationToken);
        return simulation.BuiltLines;
    }

    /// <summary>The parameters a scenario runs with: the given set (default: the catalog's) with the scenario's overrides.</summary>
    public static ModelParameters EffectiveParameters(Scenario scenario, ModelParameters? parameters)
    {
        var effective = parameters ?? ModelParameters.Default;
        return scenario.Parameters is { Count: > 0 } overrides ? effective.With(overrides) : effective;
    }
}
