namespace NevGrains.Contracts;

/// <summary>
/// Who asks, as the gateway authenticated them: grains apply the request rules (batch ownership, per-caller limits) with it, so
/// every path to a grain obeys the same rules.
/// </summary>
[GenerateSerializer, Immutable, Alias("nev.Caller")]
public sealed record Caller(
    [property: Id(0)] string Name,
    [property: Id(1)] bool IsAdmin,
    [property: Id(2)] CallerLimits Limits)
{
    /// <summary>A caller inside the cluster (tests, tools): the default limits, no admin rights.</summary>
    public static Caller Internal(string name) => new(name, false, new CallerLimits());

    /// <summary>Whether this caller may read and cancel a batch owned by <paramref name="owner"/>.</summary>
    public bool MayAccess(string owner) => IsAdmin || owner == Name;
}

/// <summary>Per-caller limits (configured in the gateway, section <c>NevGrains:Gateway:Limits</c>); exceeding one answers RESOURCE_EXHAUSTED.</summary>
[GenerateSerializer, Immutable, Alias("nev.CallerLimits")]
public sealed record CallerLimits(
    [property: Id(0)] long MaxBatchItems = 200_000,
    [property: Id(1)] int MaxConcurrentBatches = 4,
    [property: Id(2)] long MaxExperimentRuns = 20_000);

/// <summary>A limit of the caller's was reached (batch size, concurrent batches, experiment size). Nothing ran.</summary>
[GenerateSerializer, Alias("nev.CallerLimitExceededException")]
public sealed class CallerLimitExceededException : Exception
{
    public CallerLimitExceededException(string message) : base(message)
    {
    }
}

/// <summary>The caller may not touch this entity (a batch of another caller's).</summary>
[GenerateSerializer, Alias("nev.AccessDeniedException")]
public sealed class AccessDeniedException : Exception
{
    public AccessDeniedException(string message) : base(message)
    {
    }
}

/// <summary>
/// The caller's name as it travels with every grain call of a request (Orleans' <see cref="RequestContext"/>): the compute gate of
/// each silo takes callers in turns by it. The gateway sets it per request; a batch's pump sets its owner's.
/// </summary>
public static class CallerOnCall
{
    private const string Key = "nev.caller";

    /// <summary>The name of work no caller asked for (started inside the cluster: a reminder, a test).</summary>
    public const string Internal = "(system)";

    /// <summary>Whose work this call is.</summary>
    public static string Current => RequestContext.Get(Key) as string ?? Internal;

    public static void Set(string name) => RequestContext.Set(Key, name);
}
