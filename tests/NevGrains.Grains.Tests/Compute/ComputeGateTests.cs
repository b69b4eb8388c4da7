using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NevGrains.Grains.Compute;
using NevGrains.Model.Engine;
using NevGrains.Model.Results;
using NevGrains.Model.Scenarios;

namespace NevGrains.Grains.Tests.Compute;

/// <summary>
/// The gate's order, checked on a single slot with work that holds its slot until the test lets it go, or loops over yield
/// points until the test stops it: which run starts, pauses or resumes next is decided by the gate alone, never by timing.
/// </summary>
public sealed class ComputeGateTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly ConcurrentQueue<string> _started = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _finish = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _began = new();
    private readonly ComputeGate _gate;

    public ComputeGateTests()
    {
        _gate = new ComputeGate(Options.Create(new ComputeOptions { Slots = 1 }), _services.GetRequiredService<IMeterFactory>());
    }

    public void Dispose() => _services.Dispose();

    private static CancellationToken Test => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_interactive_run_starts_at_once_while_bulk_work_holds_every_slot_and_more_is_queued()
    {
        var first = Start(ComputeClass.Bulk, "batch-owner", "bulk-1", hold: true);
        await Running("bulk-1");
        var queued = new[] { Start(ComputeClass.Bulk, "batch-owner", "bulk-2"), Start(ComputeClass.Bulk, "batch-owner", "bulk-3") };
        await _gate.WaitFor(l => l.QueuedBulk == 2, Test);

        await Start(ComputeClass.Interactive, "planner", "interactive");

        Assert.Equal(["bulk-1", "interactive"], _started);
        Let("bulk-1");
        await Task.WhenAll([first, .. queued]);
        Assert.Equal(["bulk-1", "interactive", "bulk-2", "bulk-3"], _started);
        Assert.True(_gate.Load.Idle);
    }

    [Fact]
    public async Task A_bulk_run_pauses_at_its_next_yield_point_while_an_interactive_run_goes_and_resumes_after_it()
    {
        var stop = false;
        var passes = 0;
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bulk = _gate.Run(ComputeClass.Bulk, "batch-owner", _ =>
        {
            _started.Enqueue("bulk-1");
            running.TrySetResult();
            while (true)
            {
                YieldPoint.Reach();
                passes++;
                if (Volatile.Read(ref stop))
                {
                    return passes;
                }
            }
        }, Test);
        await running.Task.WaitAsync(Test);
        var queued = Start(ComputeClass.Bulk, "batch-owner", "bulk-2");
        await _gate.WaitFor(l => l.QueuedBulk == 1, Test);

        var interactive = Start(ComputeClass.Interactive, "planner", "interactive", hold: true);
        await _gate.WaitFor(l => l.PausedBulk == 1, Test);

        var load = _gate.Load;
        Assert.Equal((1, 0, 1), (load.RunningInteractive, load.RunningBulk, load.QueuedBulk)); // the paused run's slot is not handed on
        var whilePaused = Volatile.Read(ref passes);
        Let("interactive");
        await interactive;
        await _gate.WaitFor(l => l.PausedBulk == 0 && l.RunningBulk == 1, Test);
        Volatile.Write(ref stop, true);

        Assert.True(await bulk > whilePaused); // it went on from where it paused
        await queued;
        Assert.Equal(["bulk-1", "interactive", "bulk-2"], _started);
        Assert.True(_gate.Load.Idle);
    }

    [Fact]
    public async Task A_paused_bulk_run_sees_its_callers_cancellation_and_gives_its_slot_back()
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Test);
        var bulk = _gate.Run<int>(ComputeClass.Bulk, "batch-owner", token =>
        {
            while (true) // ends only by the cancellation
            {
                YieldPoint.Reach();
                token.ThrowIfCancellationRequested();
            }
        }, cancel.Token);
        await _gate.WaitFor(l => l.RunningBulk == 1, Test);
        var interactive = Start(ComputeClass.Interactive, "planner", "interactive", hold: true);
        await _gate.WaitFor(l => l.PausedBulk == 1, Test);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => bulk);
        Assert.Equal((0, 0), (_gate.Load.PausedBulk, _gate.Load.RunningBulk));
        Let("interactive");
        await interactive;
        Assert.True(_gate.Load.Idle);
    }

    [Fact]
    public async Task The_engine_pauses_for_an_interactive_run_and_its_result_is_the_same_as_an_unpaused_runs()
    {
        var compiled = CompiledBaseline.Shipped;
        var scenario = Scenario.Base(2030);
        var stop = false;
        var bulk = _gate.Run(ComputeClass.Bulk, "batch-owner", token =>
        {
            ScenarioResult result;
            do
            {
                result = ScenarioEngine.Run(compiled, scenario, cancellationToken: token);
            }
            while (!Volatile.Read(ref stop));
            return result;
        }, Test);
        await _gate.WaitFor(l => l.RunningBulk == 1, Test);
        var interactive = Start(ComputeClass.Interactive, "planner", "interactive", hold: true);

        await _gate.WaitFor(l => l.PausedBulk == 1, Test); // the model reached a yield point and waits there
        Volatile.Write(ref stop, true);
        Let("interactive");
        await interactive;
        var paused = await bulk;

        var unpaused = ScenarioEngine.Run(compiled, scenario, cancellationToken: Test);
        Assert.Equal(unpaused.Cells, paused.Cells);
        Assert.True(_gate.Load.Idle);
    }

    [Fact]
    public async Task Callers_with_queued_work_take_turns()
    {
        var first = Start(ComputeClass.Bulk, "alice", "a1", hold: true);
        await _gate.WaitFor(l => l.RunningBulk == 1, Test);
        var alice = new[] { Start(ComputeClass.Bulk, "alice", "a2"), Start(ComputeClass.Bulk, "alice", "a3"), Start(ComputeClass.Bulk, "alice", "a4") };
        await _gate.WaitFor(l => l.QueuedBulk == 3, Test);
        var bob = new[] { Start(ComputeClass.Bulk, "bob", "b1"), Start(ComputeClass.Bulk, "bob", "b2") };
        await _gate.WaitFor(l => l.QueuedBulk == 5, Test);

        Let("a1");
        await Task.WhenAll([first, .. alice, .. bob]);

        // Alice queued three first, yet Bob waits for one of hers at a time, not for all of them.
        Assert.Equal(["a1", "a2", "b1", "a3", "b2", "a4"], _started);
    }

    [Fact]
    public async Task A_run_cancelled_while_it_waits_never_starts_and_leaves_the_queue()
    {
        var first = Start(ComputeClass.Interactive, "alice", "a1", hold: true);
        await _gate.WaitFor(l => l.RunningInteractive == 1, Test);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Test);
        var waiting = Start(ComputeClass.Interactive, "bob", "b1", token: cancel.Token);
        await _gate.WaitFor(l => l.QueuedInteractive == 1, Test);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(0, _gate.Load.QueuedInteractive);
        Let("a1");
        await first;
        Assert.Equal(["a1"], _started);
        Assert.True(_gate.Load.Idle);
        // The slot came back: the next run is admitted at once.
        await Start(ComputeClass.Interactive, "bob", "b2");
    }

    [Fact]
    public async Task A_running_run_sees_its_callers_cancellation_and_gives_its_slot_back()
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Test);
        var running = _gate.Run(ComputeClass.Interactive, "bob", token =>
        {
            _started.Enqueue("b1");
            token.WaitHandle.WaitOne(); // a model loop checks its token between years
            token.ThrowIfCancellationRequested();
            return 0;
        }, cancel.Token);
        await _gate.WaitFor(l => l.RunningInteractive == 1, Test);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.True(_gate.Load.Idle);
        Assert.Equal(1, _gate.Load.Admitted);
    }

    private Task<int> Start(ComputeClass kind, string caller, string name, bool hold = false, CancellationToken? token = null)
    {
        var finish = _finish.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!hold)
        {
            finish.TrySetResult();
        }
        var began = Began(name);
        return _gate.Run(kind, caller, _ =>
        {
            _started.Enqueue(name);
            began.TrySetResult();
            finish.Task.Wait(Test);
            return 0;
        }, token ?? Test);
    }

    private void Let(string name) => _finish[name].TrySetResult();

    private TaskCompletionSource Began(string name) =>
        _began.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Completes once the work named <paramref name="name"/> has begun on its thread (admission alone comes earlier).</summary>
    private Task Running(string name) => Began(name).Task.WaitAsync(Test);
}
