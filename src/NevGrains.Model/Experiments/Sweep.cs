using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq.Expressions;
using NevGrains.Model.Engine;
using NevGrains.Model.Parameters;
using NevGrains.Model.Results;
using NevGrains.Model.Scenarios;

namespace NevGrains.Model.Experiments;

/// <summary>
/// One dimension of a parameter variation: a target and the values it takes. Targets are <c>parameter:&lt;name&gt;</c>
/// (a named model parameter) or <c>levers[i].&lt;field&gt;</c> (a numeric field of the scenario's i-th lever, e.g. <c>levers[0].rate</c>).
/// </summary>
[GenerateSerializer, Immutable, Alias("nev.SweepAxis")]
public sealed record SweepAxis(
    [property: Id(0)] string Target,
    [property: Id(1)] ImmutableArray<double> Values);

/// <summary>A full-factorial grid over the axes, each point a scenario run, read through the metrics.</summary>
[GenerateSerializer, Immutable, Alias("nev.SweepSpec")]
public sealed record SweepSpec(
    [property: Id(0)] Scenario Scenario,
    [property: Id(1)] ImmutableArray<SweepAxis> Axes,
    [property: Id(2)] ImmutableArray<MetricSpec> Metrics);

[GenerateSerializer, Immutable, Alias("nev.SweepPointResult")]
public sealed record SweepPointResult(
    [property: Id(0)] long Index,
    [property: Id(1)] ImmutableArray<double> AxisValues,
    [property: Id(2)] ImmutableArray<double> Metrics);

[GenerateSerializer, Immutable, Alias("nev.SweepResult")]
public sealed record SweepResult(
    [property: Id(0)] string Scenario,
    [property: Id(1)] string DatasetVersion,
    [property: Id(2)] ImmutableArray<string> Axes,
    [property: Id(3)] ImmutableArray<string> Metrics,
    [property: Id(4)] ImmutableArray<SweepPointResult> Points);

public static class Sweep
{
    public const long MaxPoints = 100_000;

    /// <summary>The grid's size, saturating at <see cref="long.MaxValue"/> so a grid too large to count is refused, never wrapped negative.</summary>
    public static long PointCount(SweepSpec spec)
    {
        if (spec.Axes.IsDefaultOrEmpty)
        {
            return 1;
        }
        var count = 1L;
        foreach (var axis in spec.Axes)
        {
            var n = Math.Max(1, axis?.Values is { IsDefault: false } values ? values.Length : 0);
            count = count > long.MaxValue / n ? long.MaxValue : count * n;
        }
        return count;
    }

    public static IReadOnlyList<ScenarioIssue> Validate(SweepSpec spec, CompiledBaseline compiled)
    {
        var issues = ScenarioValidator.Validate(spec.Scenario, compiled).Select(i => i.Under("scenario")).ToList();
        ExperimentChecks.Metrics(spec.Metrics, compiled, ScenarioValidator.HorizonOf(spec.Scenario, compiled), issues);
        if (spec.Axes.IsDefaultOrEmpty)
        {
            issues.Add(new ScenarioIssue("axes", "name at least one axis"));
            return issues;
        }
        for (var a = 0; a < spec.Axes.Length; a++)
        {
            var axis = spec.Axes[a];
            if (axis?.Values is not { IsDefaultOrEmpty: false } values)
            {
                issues.Add(new ScenarioIssue($"axes[{a}].values", "an axis needs values"));
                continue;
            }
            if (values.Any(v => !double.IsFinite(v)))
            {
                issues.Add(new ScenarioIssue($"axes[{a}].values", "values must be finite numbers"));
            }
            if (!TargetExists(spec.Scenario, axis.Target))
            {
                issues.Add(new ScenarioIssue($"axes[{a}].target", $"'{axis.Target}' is neither parameter:<name> nor levers[i].<numeric field> of this scenario"));
            }
        }
        if (issues.Count == 0)
        {
            var count = PointCount(spec);
            if (count > MaxPoints)
            {
                issues.Add(new ScenarioIssue("axes", $"{count} points; at most {MaxPoints}"));
            }
            else
            {
                // Every value must make a valid scenario: check each axis value once with the others at their first value.
                for (var a = 0; a < spec.Axes.Length; a++)
                {
                    foreach (var value in spec.Axes[a].Values)
                    {
                        var point = Apply(spec.Scenario, spec.Axes[a].Target, value);
                        foreach (var issue in ScenarioValidator.Validate(point, compiled))
                        {
                            issues.Add(new ScenarioIssue($"axes[{a}].values", $"{value}: {issue}"));
                        }
                    }
                }
            }
        }
        return issues;
    }

    /// <summary>The axis values of point <paramref name="index"/> (mixed radix, last axis fastest).</summary>
    public static double[] AxisValues(SweepSpec spec, long index)
    {
        var values = new double[spec.Axes.Length];
        for (var a = spec.Axes.Length - 1; a >= 0; a--)
        {
            var n = spec.Axes[a].Values.Length;
            values[a] = spec.Axes[a].Values[(int)(index % n)];
            index /= n;
        }
        return values;
    }

    /// <summary>The scenario of one grid point.</summary>
    public static Scenario PointScenario(SweepSpec spec, long index)
    {
        var values = AxisValues(spec, index);
        var scenario = spec.Scenario;
        for (var a = 0; a < values.Length; a++)
        {
            scenario = Apply(scenario, spec.Axes[a].Target, values[a]);
        }
        return scenario with { Name = $"{spec.Scenario.Name}#{index}" };
    }

    public static SweepPointResult EvaluatePoint(SweepSpec spec, CompiledBaseline compiled, long index)
    {
        var scenario = PointScenario(spec, index);
        var result = ScenarioEngine.RunValidated(compiled, scenario, parameters: null, growthOffset: null);
        return new SweepPointResult(index, [.. AxisValues(spec, index)], [.. spec.Metrics.Select(m => m.Evaluate(result, compiled))]);
    }

    public static SweepResult Assemble(SweepSpec spec, string datasetVersion, IEnumerable<SweepPointResult> points) =>
        new(spec.Scenario.Name, datasetVersion, [.. spec.Axes.Select(a => a.Target)], [.. spec.Metrics.Select(m => m.Label)],
            [.. points.OrderBy(p => p.Index)]);

    public static SweepResult Run(SweepSpec spec, CompiledBaseline compiled, int? maxParallelism = null)
    {
        var issues = Validate(spec, compiled);
        if (issues.Count > 0)
        {
            throw new ScenarioException(issues);
        }
        var points = new SweepPointResult[PointCount(spec)];
        Parallel.For(0, points.Length, new ParallelOptions { MaxDegreeOfParallelism = maxParallelism ?? Environment.ProcessorCount },
            i => points[i] = EvaluatePoint(spec, compiled, i));
        return Assemble(spec, compiled.Version, points);
    }

    private static bool TargetExists(Scenario scenario, string? target)
    {
        if (target is null)
        {
            return false;
        }
        if (target.StartsWith("parameter:", StringComparison.Ordinal))
        {
            return ParameterCatalog.TryGet(target["parameter:".Length..], out _);
        }
        return TryParseLeverTarget(target, out var index, out var field) && index < scenario.LeverList.Length
            && scenario.LeverList[index] is { } lever && LeverFieldSetter.Of(lever.GetType(), field) is not null;
    }

    private static Scenario Apply(Scenario scenario, string target, double value)
    {
        if (target.StartsWith("parameter:", StringComparison.Ordinal))
        {
            var parameters = (scenario.Parameters ?? ImmutableDictionary<string, double>.Empty).SetItem(target["parameter:".Length..], value);
            return scenario with { Parameters = parameters };
        }
        TryParseLeverTarget(target, out var index, out var field);
        var lever = scenario.LeverList[index];
        var updated = LeverFieldSetter.Of(lever.GetType(), field)!(lever, value);
        return scenario with { Levers = scenario.LeverList.SetItem(index, updated) };
    }

    private static bool TryParseLeverTarget(string target, out int index, out string field)
    {
        index = -1;
        field = "";
        const string prefix = "levers[";
        var close = target.IndexOf("].", StringComparison.Ordinal);
        if (!target.StartsWith(prefix, StringComparison.Ordinal) || close < 0)
        {
            return false;
        }
        field = target[(close + 2)..];
        return int.TryParse(target[prefix.Length..close], out index) && index >= 0 && field.Length > 0;
    }

    /// <summary>
    /// Typed setters for a lever's numeric fields (double, int, and their nullable forms): a copy of the record with one field set,
    /// compiled once per lever type and field, so a sweep point costs a record copy, not a serialisation round trip.
    /// </summary>
    private static class LeverFieldSetter
    {
        private static readonly ConcurrentDictionary<(Type, string), Func<Lever, double, Lever>?> Setters = new();

        public static Func<Lever, double, Lever>? Of(Type leverType, string field) =>
            Setters.GetOrAdd((leverType, field.ToUpperInvariant()), key => Compile(key.Item1, field));

        private static Func<Lever, double, Lever>? Compile(Type leverType, string field)
        {
            var property = leverType.GetProperties().FirstOrDefault(p => string.Equals(p.Name, field, StringComparison.OrdinalIgnoreCase));
            var type = property is null ? null : Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var clone = leverType.GetMethod("<Clone>$");
            if (property?.SetMethod is null || clone is null || (type != typeof(double) && type != typeof(int)))
            {
                return null;
            }
            var lever = Expression.Parameter(typeof(Lever), "lever");
            var value = Expression.Parameter(typeof(double), "value");
            var copy = Expression.Variable(leverType, "copy");
            Expression number = type == typeof(int)
                ? Expression.Convert(Expression.Call(typeof(Math).GetMethod(nameof(Math.Round), [typeof(double)])!, value), typeof(int))
                : value;
            var body = Expression.Block([copy],
                Expression.Assign(copy, Expression.Convert(Expression.Call(Expression.Convert(lever, leverType), clone), leverType)),
                Expression.Assign(Expression.Property(copy, property), Expression.Convert(number, property.PropertyType)),
                Expression.Convert(copy, typeof(Lever)));
            return Expression.Lambda<Func<Lever, double, Lever>>(body, lever, value).Compile();
        }
    }
}
