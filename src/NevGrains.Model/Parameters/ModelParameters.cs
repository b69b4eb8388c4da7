using System.Collections.Immutable;

namespace NevGrains.Model.Parameters;

/// <summary>An immutable set of parameter values, indexed by <see cref="ParameterId"/>.</summary>
[GenerateSerializer, Immutable, Alias("nev.ModelParameters")]
public sealed class ModelParameters : IEquatable<ModelParameters>
{
    [Id(0)] private readonly ImmutableArray<double> _values;

    private ModelParameters(ImmutableArray<double> values) => _values = values;

    public static ModelParameters Default { get; } = new([.. ParameterCatalog.All.Select(p => p.Default)]);

    public double this[ParameterId id] => _values[(int)id];

    public ImmutableArray<double> Values => _values;

    /// <summary>A copy with one value changed; the value must lie in the parameter's range.</summary>
    public ModelParameters With(ParameterId id, double value)
    {
        var spec = ParameterCatalog.Get(id);
        if (!double.IsFinite(value) || value < spec.Min || value > spec.Max)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"{spec.Name} must be in [{spec.Min}, {spec.Max}]");
        }
        return new ModelParameters(_values.SetItem((int)id, value));
    }

    /// <summary>Applies named overrides (e.g. from a scenario file); unknown names and out-of-range values throw <see cref="ArgumentException"/>.</summary>
    public ModelParameters With(IEnumerable<KeyValuePair<string, double>> overrides)
    {
        var result = this;
        foreach (var (name, value) in overrides)
        {
            if (!ParameterCatalog.TryGet(name, out var spec))
            {
                throw new ArgumentException($"unknown parameter '{name}'", nameof(overrides));
            }
            result = result.With(spec.Id, value);
        }
        return result;
    }

    public bool Equals(ModelParameters? other) =>
        other is not null && (ReferenceEquals(this, other) || _values.AsSpan().SequenceEqual(other._values.AsSpan()));

    public override bool Equals(object? obj) => Equals(obj as ModelParameters);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var value in _values)
        {
            hash.Add(value);
        }
        return hash.ToHashCode();
    }

    internal static ModelParameters FromValues(ImmutableArray<double> values) => new(values);
}
