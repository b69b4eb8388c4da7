using Orleans.TestingHost;

namespace NevGrains.TestSupport;

public static class LoopbackPorts
{
    // Orleans' own test port allocator: it reserves each port with a machine-wide named mutex, so the in-process test
    // clusters of other test assemblies running at the same time (which use the same allocator) never pick a port handed
    // out here, and it picks below Linux's ephemeral range, so outgoing connections never take one either. Ports stay
    // reserved until the test process exits.
    private static readonly TestClusterPortAllocator Allocator = new();

    /// <summary>
    /// A TCP port on 127.0.0.1 free now and reserved for this test process, for a component that cannot bind port 0 and
    /// report what it bound (an Orleans silo or gateway endpoint, Azurite). Kestrel hosts bind port 0 instead.
    /// </summary>
    public static int Free() => Allocator.AllocateConsecutivePortPairs(1).Item1;
}
