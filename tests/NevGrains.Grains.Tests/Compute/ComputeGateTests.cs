using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NevGrains.Grains.Compute;

namespace NevGrains.Grains.Tests.Compute;

/// <summary>
/// The gate's order, checked on a single slot with work that holds its slot until the test lets it go: which run starts next is
/// decided by the gate alone, never by timing.
/// </summary>
public sealed class ComputeGateTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly ConcurrentQueue<string> _started = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _finish = new();
    private readonly ComputeGate _gate;

    public ComputeGateTests()
    {
        _gate = new ComputeGate(Options.Create(new ComputeOptions { Slots = 1 }), _services.GetRequiredService<IMeterFactory>());
    }

    public void Dispose() => _services.Dispose();

    private static CancellationToken Test => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_waiting_interactive_run_goes_ahead_of_queued_bulk_work()
    {
        var first = Start(ComputeClass.Bulk, "batch-owner", "bulk-1", hold: true);
        await _gate.WaitFor(l => l.RunningBulk == 1, Test);
        var queued = new[] { Start(ComputeClass.Bulk, "batch-owner", "bulk-2"), Start(ComputeClass.Bulk, "batch-owner", "bulk-3") };
        await _gate.WaitFor(l => l.QueuedBulk == 2, Test);
        var interactive = Start(ComputeClass.Interactive, "planner", "interactive");
        await _gate.WaitFor(l => l.QueuedInteractive == 1, Test);

        Let("bulk-1");
        await Task.WhenAll([first, interactive, .. queued]);

        Assert.Equal(["bulk-1", "interactive", "bulk-2", "bulk-3"], _started);
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
        var first = Start(ComputeClass.Bulk, "alice", "a1", hold: true);
        await _gate.WaitFor(l => l.RunningBulk == 1, Test);
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
        return _gate.Run(kind, caller, _ =>
        {
            _started.Enqueue(name);
            finish.Task.Wait(Test);
            return 0;
        }, token ?? Test);
    }

    private void Let(string name) => _finish[name].TrySetResult();
}
