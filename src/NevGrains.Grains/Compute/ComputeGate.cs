using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using NevGrains.Model.Engine;
using NevGrains.Model.Experiments;
using Microsoft.Extensions.Options;

namespace NevGrains.Grains.Compute;

/// <summary>What a model run is for: a planner waiting on the answer, or an item of a batch or experiment.</summary>
public enum ComputeClass
{
    /// <summary>RunScenario, CompareScenario, ExplainScenario, market and brand queries: served ahead of bulk work.</summary>
    Interactive,

    /// <summary>Batch, sweep, Monte Carlo and sensitivity items: served when no interactive run needs the cores, paused while one does.</summary>
    Bulk,
}

/// <summary>
/// A moment's view of the gate, for metrics, admin status and tests. <see cref="RunningBulk"/> counts the bulk runs computing,
/// <see cref="PausedBulk"/> those started but paused at a yield point for interactive runs.
/// </summary>
public readonly record struct ComputeLoad(int Slots, int RunningInteractive, int RunningBulk, int QueuedInteractive, int QueuedBulk, long Admitted,
    int PausedBulk = 0)
{
    public bool Idle => RunningInteractive + RunningBulk + PausedBulk + QueuedInteractive + QueuedBulk == 0;
}

/// <summary>
/// Per silo: admits model runs, as many at once as it has slots (one per core by default). Interactive runs never wait for bulk
/// work: one is admitted whenever fewer interactive runs than slots are going, and as many bulk runs as it needs cores pause at
/// their next <see cref="YieldPoint"/> (a fraction of a millisecond away) until it ends. Bulk work gets the slots interactive
/// runs leave: paused runs resume first, then queued ones start. Within each class callers take turns (round robin over the
/// callers with work waiting, first come first served within a caller). So a caller who queues thousands of runs delays another
/// caller's interactive run by a yield point, never by his runs or his queue.
/// </summary>
/// <remarks>
/// A paused bulk run blocks its thread-pool thread (the model is synchronous); at most <see cref="Slots"/> do at once, and
/// the gate raises the thread pool's minimum so the runs that go on never wait for the pool to grow.
/// </remarks>
public sealed class ComputeGate
{
    private readonly Lock _lock = new();
    private readonly FairQueue _interactive = new();
    private readonly FairQueue _bulk = new();
    private readonly int[] _running = new int[2];
    private readonly LinkedList<PausedRun> _paused = new();
    private long _admitted;
    private readonly Dictionary<string, long> _admittedBy = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ComputeGate(IOptions<ComputeOptions> options, IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(meters);
        Slots = options.Value.EffectiveSlots;
        ReserveThreads();
        var meter = meters.Create("NevGrains"); // the meter every host exports (TelemetrySetup.SourceName)
        meter.CreateObservableGauge("nevgrains.compute.running", () => Measure(l => (l.RunningInteractive, l.RunningBulk)), "{run}",
            "Model runs going on this silo, by class");
        meter.CreateObservableGauge("nevgrains.compute.queued", () => Measure(l => (l.QueuedInteractive, l.QueuedBulk)), "{run}",
            "Model runs waiting for a slot on this silo, by class");
        meter.CreateObservableGauge("nevgrains.compute.paused", () => Load.PausedBulk, "{run}",
            "Bulk model runs paused at a yield point on this silo while interactive runs use the cores");
    }

    public int Slots { get; }

    public ComputeLoad Load
    {
        get
        {
            lock (_lock)
            {
                return LoadNow();
            }
        }
    }

    private ComputeLoad LoadNow() => new(Slots, _running[0], _running[1], _interactive.Count, _bulk.Count, _admitted, _paused.Count);

    /// <summary>
    /// Raises the thread pool's minimum so that <see cref="Slots"/> paused runs plus the runs, grain turns and gRPC calls going on
    /// beside them get threads at once (the pool otherwise adds a thread only every half second or so once it is saturated).
    /// </summary>
    private void ReserveThreads()
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        var wanted = Environment.ProcessorCount + 2 * Slots;
        if (workers < wanted)
        {
            ThreadPool.SetMinThreads(wanted, completionPorts);
        }
    }

    /// <summary>How many runs of <paramref name="caller"/>'s this gate has admitted since the silo started.</summary>
    public long AdmittedOf(string caller)
    {
        lock (_lock)
        {
            return _admittedBy.GetValueOrDefault(caller);
        }
    }

    /// <summary>Runs <paramref name="work"/> on the thread pool once a slot is free for <paramref name="caller"/>'s turn.</summary>
    public async Task<T> Run<T>(ComputeClass kind, string caller, Func<CancellationToken, T> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (Enter(kind, caller, cancellationToken) is { } waiter)
        {
            using (waiter.Cancellation) // disposed here, once admitted or abandoned, whichever side got there first
            {
                await waiter.Admitted.Task;
            }
        }
        try
        {
            // Off the grain scheduler: a cancellation (an always-interleaving call) can reach the activation while this runs.
            return await Task.Run(() =>
            {
                if (kind == ComputeClass.Interactive)
                {
                    return work(cancellationToken);
                }
                using (YieldPoint.Install(() => GiveWayToInteractive(cancellationToken)))
                {
                    return work(cancellationToken);
                }
            }, cancellationToken);
        }
        finally
        {
            Release(kind);
        }
    }

    /// <summary>
    /// Evaluates items <paramref name="from"/>.. of <paramref name="work"/> in order, each in its own bulk turn of
    /// <paramref name="caller"/>'s, so an interactive run waits for at most the items already going.
    /// </summary>
    public async Task<ImmutableArray<ItemResult>> RunItems(ExperimentWork work, CompiledBaseline compiled, long from, int count, string caller,
        CancellationToken cancellationToken)
    {
        var evaluator = new ExperimentItems.ItemEvaluator(work, compiled);
        var items = ImmutableArray.CreateBuilder<ItemResult>(count);
        for (var index = from; index < from + count; index++)
        {
            var item = index;
            items.Add(await Run(ComputeClass.Bulk, caller, _ => evaluator.Evaluate(item), cancellationToken));
        }
        return items.MoveToImmutable();
    }

    /// <summary>Completes once <see cref="Load"/> satisfies <paramref name="condition"/> (such as <see cref="ComputeLoad.Idle"/>).</summary>
    public async Task WaitFor(Func<ComputeLoad, bool> condition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(condition);
        while (true)
        {
            Task changed;
            ComputeLoad load;
            lock (_lock)
            {
                changed = _changed.Task; // taken with the load, so a change right after the check is not missed
                load = LoadNow();
            }
            if (condition(load))
            {
                return;
            }
            await changed.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Takes a slot at once (null), or queues a waiter whose task completes when a slot is handed to it.</summary>
    private Waiter? Enter(ComputeClass kind, string caller, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Waiter waiter;
        lock (_lock)
        {
            if (Queue(kind).Count == 0 && HasRoomFor(kind)) // a queue of the class means its waiters go first
            {
                Admit(kind, caller);
                Signal();
                return null;
            }
            waiter = new Waiter(kind, caller);
            Queue(kind).Add(waiter);
            Signal();
        }
        waiter.Cancellation = cancellationToken.Register(() => Abandon(waiter));
        return waiter;
    }

    /// <summary>Interactive runs count only against each other; bulk runs, running or paused, take what is left.</summary>
    private bool HasRoomFor(ComputeClass kind) => kind == ComputeClass.Interactive
        ? _running[0] < Slots
        : _running[0] + _running[1] + _paused.Count < Slots;

    private void Release(ComputeClass kind)
    {
        List<TaskCompletionSource> admitted;
        List<PausedRun> resumed;
        lock (_lock)
        {
            _running[(int)kind]--;
            (admitted, resumed) = HandOutSlots();
            Signal();
        }
        WakeUp(admitted, resumed);
    }

    /// <summary>
    /// Called by a bulk run at each yield point: while interactive runs need its core, it pauses here (blocking its thread) and
    /// goes on once one ends. A cancelled call stops waiting and ends the run.
    /// </summary>
    private void GiveWayToInteractive(CancellationToken cancellationToken)
    {
        PausedRun paused;
        lock (_lock)
        {
            if (_running[0] + _running[1] <= Slots)
            {
                return;
            }
            _running[1]--;
            paused = new PausedRun();
            paused.Node = _paused.AddLast(paused);
            Signal();
        }
        try
        {
            paused.Resume.Task.Wait(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            lock (_lock)
            {
                if (paused.Node.List is not null) // not resumed meanwhile: count it as running again, so Release balances
                {
                    _paused.Remove(paused.Node);
                    _running[1]++;
                    Signal();
                }
            }
            throw;
        }
    }

    /// <summary>Under the lock: who gets the slots free now, in order (waiting interactive runs, paused bulk runs, queued bulk runs).</summary>
    private (List<TaskCompletionSource> Admitted, List<PausedRun> Resumed) HandOutSlots()
    {
        var admitted = new List<TaskCompletionSource>();
        var resumed = new List<PausedRun>();
        while (HasRoomFor(ComputeClass.Interactive) && _interactive.TryTake(out var next))
        {
            Admit(next.Kind, next.Caller);
            admitted.Add(next.Admitted);
        }
        while (_paused.First is { } first && _running[0] + _running[1] < Slots)
        {
            _paused.RemoveFirst();
            _running[1]++;
            resumed.Add(first.Value);
        }
        while (HasRoomFor(ComputeClass.Bulk) && _bulk.TryTake(out var next))
        {
            Admit(next.Kind, next.Caller);
            admitted.Add(next.Admitted);
        }
        return (admitted, resumed);
    }

    private static void WakeUp(List<TaskCompletionSource> admitted, List<PausedRun> resumed)
    {
        foreach (var run in resumed)
        {
            run.Resume.TrySetResult();
        }
        foreach (var waiter in admitted)
        {
            waiter.TrySetResult();
        }
    }

    private void Abandon(Waiter waiter)
    {
        lock (_lock)
        {
            if (!Queue(waiter.Kind).Remove(waiter))
            {
                return; // admitted in the meantime: the run sees the token and gives its slot back itself
            }
            Signal();
        }
        waiter.Admitted.TrySetCanceled();
    }

    private void Admit(ComputeClass kind, string caller)
    {
        _running[(int)kind]++;
        _admitted++;
        _admittedBy[caller] = _admittedBy.GetValueOrDefault(caller) + 1; // one entry per caller name the gateway authenticated
    }

    private FairQueue Queue(ComputeClass kind) => kind == ComputeClass.Interactive ? _interactive : _bulk;

    private void Signal()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    private IEnumerable<Measurement<int>> Measure(Func<ComputeLoad, (int Interactive, int Bulk)> pick)
    {
        var (interactive, bulk) = pick(Load);
        yield return new Measurement<int>(interactive, new KeyValuePair<string, object?>("class", "interactive"));
        yield return new Measurement<int>(bulk, new KeyValuePair<string, object?>("class", "bulk"));
    }

    /// <summary>A bulk run paused at a yield point; set once it may go on.</summary>
    private sealed class PausedRun
    {
        public TaskCompletionSource Resume { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public LinkedListNode<PausedRun> Node { get; set; } = null!;
    }

    private sealed class Waiter(ComputeClass kind, string caller)
    {
        public ComputeClass Kind { get; } = kind;
        public string Caller { get; } = caller;
        public TaskCompletionSource Admitted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public CancellationTokenRegistration Cancellation { get; set; }
    }

    /// <summary>One first-come queue per caller, served in turns. Not thread-safe: the gate's lock guards it.</summary>
    private sealed class FairQueue
    {
        private readonly Dictionary<string, LinkedList<Waiter>> _byCaller = new(StringComparer.Ordinal);
        private readonly LinkedList<string> _turns = new();

        public int Count { get; private set; }

        public void Add(Waiter waiter)
        {
            if (!_byCaller.TryGetValue(waiter.Caller, out var queue))
            {
                _byCaller[waiter.Caller] = queue = new LinkedList<Waiter>();
                _turns.AddLast(waiter.Caller);
            }
            queue.AddLast(waiter);
            Count++;
        }

        public bool TryTake([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Waiter? waiter)
        {
            if (_turns.First is not { } turn)
            {
                waiter = null;
                return false;
            }
            _turns.RemoveFirst();
            var queue = _byCaller[turn.Value];
            waiter = queue.First!.Value;
            queue.RemoveFirst();
            Count--;
            if (queue.Count > 0)
            {
                _turns.AddLast(turn); // the caller's next run waits for everyone else's turn
            }
            else
            {
                _byCaller.Remove(turn.Value);
            }
            return true;
        }

        public bool Remove(Waiter waiter)
        {
            if (!_byCaller.TryGetValue(waiter.Caller, out var queue) || !queue.Remove(waiter))
            {
                return false;
            }
            Count--;
            if (queue.Count == 0)
            {
                _byCaller.Remove(waiter.Caller);
                _turns.Remove(waiter.Caller);
            }
            return true;
        }
    }
}
