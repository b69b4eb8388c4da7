namespace NevGrains.Model.Experiments;

/// <summary>
/// Counter-based random numbers: the uniform for (seed, draw, stream) is a pure function, so any worker can produce draw i
/// without the draws before it, and base and scenario runs of draw i see the same numbers (common random numbers).
/// </summary>
public static class CounterRandom
{
    public static double Uniform(ulong seed, long draw, int stream)
    {
        var x = Mix(seed ^ Mix((ulong)draw * 0x9E3779B97F4A7C15UL + (ulong)stream * 0xD1B54A32D192ED03UL + 0x2545F4914F6CDD1DUL));
        // 53 random bits into (0, 1).
        return ((x >> 11) + 0.5) * (1.0 / 9007199254740992.0);
    }

    // SplitMix64 finaliser.
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
