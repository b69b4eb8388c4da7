namespace NevGrains.Grains.Compute;

/// <summary>How a silo shares its cores between callers (<see cref="ComputeGate"/>).</summary>
public sealed class ComputeOptions
{
    public const string Section = "NevGrains:Compute";

    /// <summary>Model runs at once on this silo; 0 means one per core. More than the cores only adds queueing inside the CPU.</summary>
    public int Slots { get; set; }

    public int EffectiveSlots => Slots > 0 ? Slots : Environment.ProcessorCount;
}
