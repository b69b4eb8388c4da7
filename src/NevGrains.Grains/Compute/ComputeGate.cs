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

    /// <summary>Batch, sweep, Monte Carlo and sensitivity items: served when no interactive run waits.</summary>
    Bulk,
}

/// <summary>A moment's view of the gate, for metrics, admin status and tests.</summary>
public readonly record struct ComputeLoad(int Slots, int RunningInteractive, int RunningBulk, int QueuedInteractive, int QueuedBulk, long Admitted)
{
    public bool Idle => RunningInteractive + RunningBulk + QueuedInteractive + QueuedBulk == 0;
}

/// <summary>
/// Per silo: admits model runs, one per slot (a core by default). A freed slot goes to a waiting interactive run first, then to
/// bulk work; within each class callers take turns (round robin over the callers with work waiting, first come first served
/// within a caller). So a caller who queues thousands of runs delays another caller's interactive run by at most the runs
/// already going, never by his queue. Every unit of work is one scenario run, so no one holds a slot for long.
/// </summary>
public sealed class ComputeGate
{
    private readonly Lock _lock = new();
    private readonly FairQueue _interactive = new();
    private readonly FairQueue _bulk = new();
    private readonly int[] _running = new int[2];
    private int _free;
    private long _admitted;
    private readonly Dictionary<string, long> _admittedBy = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ComputeGate(IOptions<ComputeOptions> options, IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(meters);
        Slots = _free = options.Value.EffectiveSlots;
        var meter = meters.Create("NevGrains"); // the meter every host exports (TelemetrySetup.SourceName)
        meter.CreateObservableGauge("nevgrains.compute.running", () => Measure(l => (l.RunningInteractive, l.RunningBulk)), "{run}",
            "Model runs going on this silo, by class");
        meter.CreateObservableGauge("nevgrains.compute.queued", () => Measure(l => (l.QueuedInteractive, l.QueuedBulk)), "{run}",
            "Model runs waiting for a slot on this silo, by class");
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

    private ComputeLoad LoadNow() => new(Slots, _running[0], _running[1], _interactive.Count, _bulk.Count, _admitted);

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
            return await Task.Run(() => work(cancellationToken), cancellationToken);
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

    /// <summary>Takes a free slot (null), or queues a waiter whose task completes when a slot is handed to it.</summary>
    private Waiter? Enter(ComputeClass kind, string caller, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Waiter waiter;
        lock (_lock)
        {
            if (_free > 0) // a free slot means nobody waits: a released slot goes straight to the next waiter
            {
                _free--;
                Admit(kind, caller);
                return null;
            }
            waiter = new Waiter(kind, caller);
            Queue(kind).Add(waiter);
            Signal();
        }
        waiter.Cancellation = cancellationToken.Register(() => Abandon(waiter));
        return waiter;
    }

    private void Release(ComputeClass kind)
    {
        Waiter? next;
        lock (_lock)
        {
            _running[(int)kind]--;
            if (_interactive.TryTake(out next) || _bulk.TryTake(out next))
            {
                Admit(next.Kind, next.Caller);
            }
            else
            {
                _free++;
            }
            Signal();
        }
        next?.Admitted.TrySetResult();
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
