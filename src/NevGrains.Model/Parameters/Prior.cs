using System.Text.Json.Serialization;

namespace NevGrains.Model.Parameters;

[JsonConverter(typeof(JsonStringEnumConverter<PriorKind>))]
public enum PriorKind
{
    /// <summary>Uniform on [Min, Max].</summary>
    [JsonStringEnumMemberName("uniform")] Uniform,
    /// <summary>Normal with the default as mean and <see cref="Prior.Spread"/> as standard deviation, truncated to [Min, Max].</summary>
    [JsonStringEnumMemberName("normal")] Normal,
    /// <summary>Log-normal with the default as median and <see cref="Prior.Spread"/> as sigma of the log, truncated to [Min, Max].</summary>
    [JsonStringEnumMemberName("lognormal")] LogNormal,
    /// <summary>Beta on [Min, Max] with the default as mean and <see cref="Prior.Spread"/> as concentration (alpha + beta).</summary>
    [JsonStringEnumMemberName("beta")] Beta,
}

/// <summary>The Monte Carlo prior of a parameter; draws are mapped from uniforms so common random numbers line up.</summary>
[GenerateSerializer, Immutable, Alias("nev.Prior")]
public sealed record Prior([property: Id(0)] PriorKind Kind, [property: Id(1)] double Spread)
{
    /// <summary>Maps a uniform u in (0,1) to a draw from this prior around <paramref name="center"/>, inside [min, max].</summary>
    public double Quantile(double u, double center, double min, double max)
    {
        u = Math.Clamp(u, 1e-9, 1 - 1e-9);
        var value = Kind switch
        {
            PriorKind.Uniform => min + u * (max - min),
            PriorKind.Normal => center + Spread * Distributions.InverseNormal(u),
            PriorKind.LogNormal => Math.Sign(center) * Math.Abs(center) * Math.Exp(Spread * Distributions.InverseNormal(u)),
            PriorKind.Beta => min + (max - min) * Distributions.InverseBeta(u, (center - min) / (max - min) * Spread, (1 - (center - min) / (max - min)) * Spread),
            _ => center,
        };
        return Math.Clamp(value, min, max);
    }
}
