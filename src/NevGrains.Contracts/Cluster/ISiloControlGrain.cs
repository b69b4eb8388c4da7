namespace NevGrains.Contracts.Cluster;

/// <summary>What a silo answered to a drain request.</summary>
[GenerateSerializer, Immutable, Alias("nev.DrainAccepted")]
public sealed record DrainAccepted(
    [property: Id(0)] string Silo,
    [property: Id(1)] string Name,
    [property: Id(2)] int Activations);

/// <summary>
/// Operations on one silo. The key is the silo's address (<c>SiloAddress.ToParsableString()</c>); callers set the Orleans placement
/// hint to that silo, and the grain refuses to act when it was activated anywhere else.
/// </summary>
[Alias("nev.ISiloControlGrain")]
public interface ISiloControlGrain : IGrainWithStringKey
{
    /// <summary>Starts a graceful shutdown of the silo: it leaves the membership at once (no new activations), finishes or hands
    /// back its work within its shutdown timeout, and exits. Returns before the silo stops.</summary>
    [Alias("drain")]
    Task<DrainAccepted> Drain(string requestedBy);
}
