using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using NevGrains.Contracts.Batches;
using NevGrains.Grains.Data;
using NevGrains.Model.Engine;
using NevGrains.Contracts;
using NevGrains.Grains.Experiments;
using NevGrains.Model.Scenarios;

namespace NevGrains.Grains.Batches;

/// <summary>
/// A durable batch. Submission validates every item against the pinned dataset version, stores scenario lists in the chunk grains,
/// persists the batch and registers a reminder. A pump keeps a bounded number of chunks in flight across the cluster; finished
/// chunks are recorded in a persisted bitset. After a silo or cluster restart the reminder (or any status call) reactivates the
/// batch, which dispatches the chunks not yet recorded; a chunk that had already stored its results answers without re-running.
/// </summary>
public sealed partial class BatchGrain(
    [PersistentState("batch", StorageNames.Batches)] IPersistentState<BatchGrainState> state,
    BaselineCache cache,
    IClusterMembershipService membership,
    IOptions<BatchOptions> options,
    TimeProvider time,
    ILogger<BatchGrain> logger) : Grain, IBatchGrain, IRemindable
{
    private const string ResumeReminder = "resume";

    private readonly Queue<int> _pending = new();
    private readonly HashSet<int> _inFlight = [];
    private IGrainTimer? _pump;
    // Completed (and replaced) whenever a chunk is recorded or the batch reaches a final state: what result streams wait on.
    private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _dirty;
    private int _failures;
    // While a final state is being written, the state storage holds: what status calls report until the write lands.
    private (BatchState State, DateTimeOffset? FinishedAt, DateTimeOffset UpdatedAt)? _stored;
    // Final in storage, but the caller's slot in the registry is not given back yet (that call failed): the pump retries it.
    private bool _releasing;
    // The resume reminder could not be registered (reminder storage down): the pump tries again.
    private bool _reminderMissing;

    private string Id => this.GetPrimaryKeyString();

    private IBatchRegistryGrain Registry => GrainFactory.GetGrain<IBatchRegistryGrain>(IBatchRegistryGrain.Key);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.RecordExists && state.State.State == BatchState.Running)
        {
            StartPump();
            await Registry.Started(new RunningBatch(Id, state.State.Owner, state.State.Total, state.State.Completed));
        }
    }

    public async Task<BatchStatus> Submit(BatchSpec spec, Caller caller)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(caller);
        if (state.RecordExists)
        {
            return Owned(caller);
        }
        var total = spec.ItemCount;
        if (total > caller.Limits.MaxBatchItems)
        {
            throw new CallerLimitExceededException($"{total} items; at most {caller.Limits.MaxBatchItems} in one batch");
        }
        // A malformed batch is told what is wrong with it, whether or not the caller is at the limit.
        var compiled = await cache.Get(spec.DatasetVersion);
        Validate(spec, compiled);
        // The slot is taken before any work, in one step with the check (simultaneous submissions cannot pass the limit together),
        // and given back if the batch does not start.
        if (!await Registry.TryStart(new RunningBatch(Id, caller.Name, total, 0), caller.Limits.MaxConcurrentBatches))
        {
            throw new CallerLimitExceededException($"{caller.Name} already runs {caller.Limits.MaxConcurrentBatches} batches; wait for one to finish or cancel one");
        }
        try
        {
            await Store(spec, compiled, caller, total);
        }
        catch (Exception) when (!state.RecordExists)
        {
            await Registry.Finished(Id);
            throw;
        }
        catch (Exception ex)
        {
            // The record's write seemed to fail but landed (found on reload): the batch exists, so it starts like any other.
            LogSubmitWriteLanded(ex, Id);
        }
        LogStarted(Id, spec.Kind, total, state.State.ChunkCount, state.State.DatasetVersion);
        StartPump(); // before the reminder: the batch is stored, so it must run whether or not the reminder can be registered now
        await RegisterReminder();
        return Status();
    }

    /// <summary>Stores scenario inputs in the chunk grains, then the batch record.</summary>
    private async Task Store(BatchSpec spec, CompiledBaseline compiled, Caller caller, long total)
    {
        var chunkSize = spec.ChunkSize > 0 ? spec.ChunkSize : BatchSpec.DefaultChunkSize;
        var chunks = (int)((total + chunkSize - 1) / chunkSize);
        if (spec.Kind == BatchKind.Scenarios)
        {
            // Inputs first: if we crash before the batch record is written, a retried submit writes the same inputs again.
            var options = new ParallelOptions { MaxDegreeOfParallelism = 64, TaskScheduler = TaskScheduler.Current };
            await Parallel.ForEachAsync(Enumerable.Range(0, chunks), options, async (c, _) =>
                await GrainFactory.GetGrain<IBatchChunkGrain>(IBatchChunkGrain.KeyOf(Id, c))
                    .SetInputs(spec.Scenarios.Slice(c * chunkSize, (int)Math.Min(chunkSize, total - c * chunkSize))));
        }

        var now = time.GetUtcNow();
        state.State = new BatchGrainState
        {
            Spec = spec with { Scenarios = [], DatasetVersion = compiled.Version, ChunkSize = chunkSize },
            Owner = caller.Name,
            State = BatchState.Running,
            Total = total,
            ChunkSize = chunkSize,
            ChunkCount = chunks,
            DatasetVersion = compiled.Version,
            Done = new byte[(chunks + 7) / 8],
            CreatedAt = now,
            UpdatedAt = now,
        };
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State = new BatchGrainState(); // not stored: the batch does not exist yet, and a retried submit starts it
            await StorageReload.TryReload(state);
            throw;
        }
    }

    public Task<BatchStatus> Status(Caller caller) => Task.FromResult(Owned(caller));

    public Task<BatchStatus?> GetStatus() => Task.FromResult(state.RecordExists ? Status() : null);

    public async Task<BatchStatus> Cancel(Caller caller)
    {
        Owned(caller);
        if (state.State.State == BatchState.Running)
        {
            await Transition(BatchState.Cancelled);
            _pending.Clear();
            LogCancelled(Id, state.State.Completed, state.State.Total);
            await ReleaseSlot(); // streams waiting on chunks that will never run end once the slot is free
        }
        return Status();
    }

    public async IAsyncEnumerable<BatchItemResult> Results(Caller caller, long from, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Owned(caller);
        ArgumentOutOfRangeException.ThrowIfNegative(from);
        var s = state.State;
        if (from >= s.Total)
        {
            yield break;
        }
        for (var chunk = (int)(from / s.ChunkSize); chunk < s.ChunkCount; chunk++)
        {
            while (!state.State.IsDone(chunk) && state.State.State == BatchState.Running)
            {
                await _progress.Task.WaitAsync(cancellationToken);
            }
            if (!state.State.IsDone(chunk))
            {
                continue; // cancelled before this chunk ran: a gap
            }
            var results = await GrainFactory.GetGrain<IBatchChunkGrain>(IBatchChunkGrain.KeyOf(Id, chunk)).GetResults();
            var expected = (int)Math.Min(s.ChunkSize, s.Total - (long)chunk * s.ChunkSize);
            if (results.Length != expected)
            {
                // Recorded as done, but storage does not hold the chunk's results: say so rather than skip or hang.
                throw new BatchResultsMissingException($"batch '{Id}': chunk {chunk} holds {results.Length} of its {expected} results in storage");
            }
            foreach (var result in results)
            {
                if (result.Index >= from)
                {
                    yield return result;
                }
            }
        }
        // Every result is out; the stream ends once the batch is final (and its slot free), which follows at once.
        while (state.State.State == BatchState.Running || _stored is not null || _releasing)
        {
            await _progress.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Wakes every result stream waiting for progress.</summary>
    private void Progressed()
    {
        var waiting = _progress;
        _progress = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        waiting.TrySetResult();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // The reminder's work is done by activation (OnActivateAsync resumes the pump). A finished batch gives its slot back (again:
        // a silo may have died before it did) and removes the reminder.
        return state.RecordExists && state.State.State != BatchState.Running ? ReleaseSlot() : Task.CompletedTask;
    }

    /// <summary>Gives the caller's slot back once the batch is final in storage, then ends the streams; retried by the pump until it works.</summary>
    private async Task ReleaseSlot()
    {
        _releasing = true;
        try
        {
            await Registry.Finished(Id);
        }
        catch (Exception ex)
        {
            LogSlotNotReleased(ex, Id);
            EnsurePump();
            return;
        }
        _releasing = false;
        Progressed(); // streams end only now, so a caller who read to the end may submit his next batch at once
        try
        {
            await StopReminder();
        }
        catch (Exception ex)
        {
            LogReminderNotRemoved(ex, Id); // it fires again and removes itself then
        }
    }

    private void StartPump()
    {
        _pending.Clear();
        for (var c = 0; c < state.State.ChunkCount; c++)
        {
            if (!state.State.IsDone(c) && !_inFlight.Contains(c))
            {
                _pending.Enqueue(c);
            }
        }
        EnsurePump();
    }

    private void EnsurePump()
    {
        _pump ??= this.RegisterGrainTimer(Tick, new GrainTimerCreationOptions
        {
            DueTime = TimeSpan.Zero,
            Period = options.Value.ProgressFlushInterval,
            KeepAlive = true,
        });
    }

    /// <summary>Keeps chunks flowing and persists progress; runs until the batch finishes.</summary>
    private async Task Tick(CancellationToken cancellationToken)
    {
        if (AllChunksDone())
        {
            await Finish(); // the last chunk's attempt to finish failed to persist
        }
        if (_releasing)
        {
            await ReleaseSlot();
        }
        if (_reminderMissing && state.State.State == BatchState.Running)
        {
            await RegisterReminder();
        }
        Fill();
        if (_dirty && state.State.State == BatchState.Running)
        {
            _dirty = false;
            state.State.UpdatedAt = time.GetUtcNow();
            try
            {
                await Write(cancellationToken);
                await Registry.Progress(Id, state.State.Completed);
            }
            catch (Exception ex)
            {
                _dirty = true; // chunks keep their results, so a missed flush loses nothing: the next tick writes again
                LogProgressNotPersisted(ex, Id);
            }
        }
        if (state.State.State != BatchState.Running && _inFlight.Count == 0 && !_releasing)
        {
            _pump?.Dispose();
            _pump = null;
        }
    }

    private void Fill()
    {
        if (state.State.State != BatchState.Running)
        {
            return;
        }
        var limit = MaxInFlight();
        while (_inFlight.Count < limit && _pending.TryDequeue(out var chunk))
        {
            if (state.State.IsDone(chunk) || !_inFlight.Add(chunk))
            {
                continue;
            }
            _ = RunChunk(chunk);
        }
    }

    private async Task RunChunk(int chunk)
    {
        var from = (long)chunk * state.State.ChunkSize;
        var work = new ChunkWork(Id, chunk, from, (int)Math.Min(state.State.ChunkSize, state.State.Total - from), state.State.Spec!.Work(state.State.DatasetVersion), state.State.Owner);
        try
        {
            var outcome = await GrainFactory.GetGrain<IBatchChunkGrain>(IBatchChunkGrain.KeyOf(Id, chunk)).Run(work);
            _failures = 0;
            if (!state.State.IsDone(chunk))
            {
                state.State.MarkDone(chunk);
                state.State.Completed += outcome.Items;
                state.State.Failed += outcome.Errors;
                state.State.ItemsBySilo = state.State.ItemsBySilo.SetItem(outcome.Silo, state.State.ItemsBySilo.GetValueOrDefault(outcome.Silo) + outcome.Items);
                _dirty = true;
                Progressed(); // the chunk's results are stored: streams may send them
            }
        }
        catch (Exception ex)
        {
            // A silo went away mid-chunk (or storage failed): the chunk's results were not stored, so run it again later.
            _failures++;
            LogChunkFailed(ex, Id, chunk);
            await Task.Delay(RetryDelay(), time);
            if (state.State.State == BatchState.Running)
            {
                _pending.Enqueue(chunk);
            }
        }
        finally
        {
            _inFlight.Remove(chunk);
        }
        if (AllChunksDone())
        {
            await Finish();
        }
        else
        {
            Fill();
        }
    }

    // Not while a final state's write is under way (its failure path awaits a reload, and the pump's tick may run meanwhile).
    private bool AllChunksDone() =>
        _stored is null && state.State.State == BatchState.Running && state.State.Completed >= state.State.Total && _pending.Count == 0 && _inFlight.Count == 0;

    private async Task Finish()
    {
        try
        {
            await Transition(BatchState.Completed);
        }
        catch (Exception ex)
        {
            LogFinishNotPersisted(ex, Id); // still running as far as storage knows: the next tick tries again
            return;
        }
        _dirty = false;
        LogCompleted(Id, state.State.Total);
        await ReleaseSlot();
    }

    /// <summary>Moves the batch to a final state, in memory only once storage has it (or is found to have it after a failed write).</summary>
    private async Task Transition(BatchState to)
    {
        var s = state.State;
        var previous = (s.State, s.FinishedAt, s.UpdatedAt);
        _stored = previous;
        s.State = to;
        s.FinishedAt = s.UpdatedAt = time.GetUtcNow();
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            (s.State, s.FinishedAt, s.UpdatedAt) = previous;
            // Succeeded after all only if storage holds this final state (another found there is taken up, and its slot given back).
            if (await ReloadKeepingProgress() != to)
            {
                throw;
            }
        }
        finally
        {
            _stored = null;
        }
    }

    /// <summary>Writes the batch's progress; after a failure storage's ETag is taken up and this activation's progress kept.</summary>
    private async Task Write(CancellationToken cancellationToken)
    {
        try
        {
            await state.WriteStateAsync(cancellationToken);
        }
        catch
        {
            await ReloadKeepingProgress();
            throw;
        }
    }

    /// <summary>
    /// After a failed write: reads storage's copy (its ETag, so the next write is not refused as a conflict, and its final state if a
    /// write that seemed to fail landed), but keeps this activation's progress. Progress only grows here, so it holds all that any
    /// earlier write stored; taking storage's instead would forget chunks recorded since, and the batch would wait for them forever.
    /// </summary>
    /// <returns>The final state storage was found to hold, if any (then taken up: nothing more runs and the slot is given back).</returns>
    private async Task<BatchState?> ReloadKeepingProgress()
    {
        var mine = state.State;
        await StorageReload.TryReload(state);
        var stored = state.State;
        state.State = mine;
        if (ReferenceEquals(stored, mine) || stored.State == BatchState.Running)
        {
            return null;
        }
        (mine.State, mine.FinishedAt, mine.UpdatedAt) = (stored.State, stored.FinishedAt, stored.UpdatedAt);
        _pending.Clear();
        _releasing = true;
        EnsurePump();
        return stored.State;
    }

    /// <summary>The status for a caller allowed to see it.</summary>
    private BatchStatus Owned(Caller caller)
    {
        if (!state.RecordExists)
        {
            throw new Contracts.Data.NotFoundException("batch", Id);
        }
        if (!caller.MayAccess(state.State.Owner))
        {
            throw new AccessDeniedException($"batch '{Id}' belongs to another caller");
        }
        return Status();
    }

    private async Task RegisterReminder()
    {
        try
        {
            await this.RegisterOrUpdateReminder(ResumeReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
            _reminderMissing = false;
        }
        catch (Exception ex)
        {
            _reminderMissing = true;
            LogReminderNotRegistered(ex, Id);
        }
    }

    private async Task StopReminder()
    {
        if (await this.GetReminder(ResumeReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private int MaxInFlight()
    {
        var silos = membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);
        var wanted = Math.Max(1, silos) * Environment.ProcessorCount * options.Value.ChunksInFlightPerCore;
        return Math.Clamp(wanted, 1, options.Value.MaxChunksInFlight);
    }

    private TimeSpan RetryDelay() =>
        TimeSpan.FromMilliseconds(Math.Min(options.Value.MaxRetryDelay.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(_failures, 10))));

    private BatchStatus Status()
    {
        var s = state.State;
        var (final, finishedAt, updatedAt) = _stored ?? (s.State, s.FinishedAt, s.UpdatedAt);
        return new BatchStatus(Id, s.Spec?.Name ?? "", s.Spec?.Kind ?? BatchKind.Scenarios, final, s.Total, s.Completed, s.DatasetVersion, s.Owner,
            [.. (s.Spec?.EffectiveMetrics ?? []).Select(m => m.Label)], s.CreatedAt, updatedAt, finishedAt, s.ChunkSize, s.Failed, s.ItemsBySilo,
            _inFlight.Count);
    }

    /// <summary>
    /// Checks the batch and every item before anything runs, once; issues name the API path (<c>spec.scenarios.scenarios[12].levers[0].rate</c>).
    /// </summary>
    private static void Validate(BatchSpec spec, CompiledBaseline compiled)
    {
        var issues = new List<ScenarioIssue>();
        if (string.IsNullOrWhiteSpace(spec.Name))
        {
            issues.Add(new ScenarioIssue("spec.name", "a batch needs a name"));
        }
        if (spec.ChunkSize is < 0 or > BatchLimits.MaxChunkSize)
        {
            issues.Add(new ScenarioIssue("spec.chunkSize", $"{spec.ChunkSize} is outside 0..{BatchLimits.MaxChunkSize}"));
        }
        if (spec.ItemCount > BatchLimits.MaxItems)
        {
            issues.Add(new ScenarioIssue(spec.ItemsPath, $"{spec.ItemCount} items; at most {BatchLimits.MaxItems}"));
        }
        if (issues.Count > 0)
        {
            throw new ScenarioException(issues);
        }
        ExperimentRunner.Validate(spec.Work(compiled.Version), compiled, spec.ItemsPath);
    }
}
