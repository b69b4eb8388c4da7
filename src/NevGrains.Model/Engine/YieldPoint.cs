namespace NevGrains.Model.Engine;

/// <summary>
/// The engine's safe points, where a host may pause a run so more urgent work gets the cores: between model years and before
/// every Newton iteration of a year's solve (a fraction of a millisecond apart). A hook installed on the thread that runs the
/// model is called there; it may block, or throw to cancel, but must not touch the run. Without a hook a yield point costs a
/// field read. The run's results never depend on whether or how long it paused.
/// </summary>
public static class YieldPoint
{
    [ThreadStatic]
    private static Action? t_hook;

    /// <summary>
    /// Calls <paramref name="hook"/> at every yield point the current thread reaches until the returned scope is disposed.
    /// A model run is synchronous, so installing the hook on the thread that starts the run covers all of it.
    /// </summary>
    public static Scope Install(Action hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        var previous = t_hook;
        t_hook = hook;
        return new Scope(previous);
    }

    /// <summary>A yield point: calls the current thread's hook, if any. Long-running host work may call it as the engine does.</summary>
    public static void Reach() => t_hook?.Invoke();

    /// <summary>Restores the hook that was installed before (none, usually).</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly Action? _previous;

        internal Scope(Action? previous) => _previous = previous;

        public void Dispose() => t_hook = _previous;
    }
}
