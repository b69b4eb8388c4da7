using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using NevGrains.Contracts.Batches;
using NevGrains.Grains.Data;
using NevGrains.Model.Engine;
using NevGrains.Model.Experiments;
using NevGrains.Model.Scenarios;

namespace NevGrains.Grains.Batches;

/// <summary>
/// A durable batch. Submission validates every item against the pinned dataset version, stores scenario lists in the chunk grains,
/// persists the batch and registers a reminder. A pump keeps a bounded number of chunks in flight across the cluster; finished
/// chunks are recorded in a persisted bitset. After a silo or cluster restart the reminder (or any status call) reactivates the
/// batch, which dispatches the chunks not yet recorded; a chunk that had already stored its results answers without re-running.
/// </summary>
public sealed class BatchGrain(
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
    private bool _dirty;
    private int _failures;

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

    public async Task<BatchStatus> Submit(BatchSpec spec, string owner)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (state.RecordExists)
        {
            return Status();
        }
        var compiled = await cache.Get(spec.DatasetVersion);
        Validate(spec, compiled);

        var total = spec.ItemCount;
        var chunkSize = spec.ChunkSize > 0 ? spec.ChunkSize : BatchSpec.DefaultChunkSize;
        var chunks = (int)((total + chunkSize - 1) / chunkSize);
        if (spec.Kind == BatchKind.Scenarios)
        {
            // Inputs first: if we crash before the batch record is written, a retried submit writes the same inputs again.
            await ForEachBounded(Enumerable.Range(0, chunks), 64, c =>
                GrainFactory.GetGrain<IBatchChunkGrain>(IBatchChunkGrain.KeyOf(Id, c))
                    .SetInputs(spec.Scenarios.Slice(c * chunkSize, (int)Math.Min(chunkSize, total - c * chunkSize))));
        }

        var now = time.GetUtcNow();
        state.State = new BatchGrainState
        {
            Spec = spec with { Scenarios = [], DatasetVersion = compiled.Version, ChunkSize = chunkSize },
            Owner = owner,
            State = BatchState.Running,
            Total = total,
            ChunkSize = chunkSize,
            ChunkCount = chunks,
            DatasetVersion = compiled.Version,
            Done = new byte[(chunks + 7) / 8],
            CreatedAt = now,
            UpdatedAt = now,
        };
        await state.WriteStateAsync();
        await Registry.Started(new RunningBatch(Id, owner, total, 0));
        await this.RegisterOrUpdateReminder(ResumeReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        logger.LogInformation("Batch {Batch} ({Kind}, {Total} items in {Chunks} chunks) started on dataset {Version}",
            Id, spec.Kind, total, chunks, compiled.Version);
        StartPump();
        return Status();
    }

    public Task<BatchStatus?> GetStatus() => Task.FromResult(state.RecordExists ? Status() : null);

    public async Task<BatchStatus> Cancel()
    {
        if (!state.RecordExists)
        {
            throw new Contracts.Data.NotFoundException("batch", Id);
        }
        if (state.State.State == BatchState.Running)
        {
            state.State.State = BatchState.Cancelled;
            state.State.FinishedAt = state.State.UpdatedAt = time.GetUtcNow();
            _pending.Clear();
            await state.WriteStateAsync();
            await StopReminder();
            await Registry.Finished(Id);
            logger.LogInformation("Batch {Batch} cancelled at {Completed}/{Total}", Id, state.State.Completed, state.State.Total);
        }
        return Status();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // The reminder's work is done by activation (OnActivateAsync resumes the pump); a finished batch removes it.
        return state.RecordExists && state.State.State != BatchState.Running ? StopReminder() : Task.CompletedTask;
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
        Fill();
        if (_dirty)
        {
            _dirty = false;
            state.State.UpdatedAt = time.GetUtcNow();
            try
            {
                await state.WriteStateAsync(cancellationToken);
                await Registry.Progress(Id, state.State.Completed);
            }
            catch (Exception ex)
            {
                _dirty = true; // progress is re-derived from chunk results after a restart, so a missed flush loses nothing
                logger.LogWarning(ex, "Batch {Batch}: progress not persisted yet", Id);
            }
        }
        if (state.State.State != BatchState.Running && _inFlight.Count == 0)
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
        var spec = state.State.Spec!;
        var from = (long)chunk * state.State.ChunkSize;
        var work = new ChunkWork(Id, chunk, from, (int)Math.Min(state.State.ChunkSize, state.State.Total - from), state.State.DatasetVersion,
            spec.Kind, spec.EffectiveMetrics, spec.Sweep, spec.MonteCarlo);
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
            }
        }
        catch (Exception ex)
        {
            // A silo went away mid-chunk (or storage failed): the chunk's results were not stored, so run it again later.
            _failures++;
            logger.LogWarning(ex, "Batch {Batch}: chunk {Chunk} failed; retrying", Id, chunk);
            await Task.Delay(RetryDelay());
            if (state.State.State == BatchState.Running)
            {
                _pending.Enqueue(chunk);
            }
        }
        finally
        {
            _inFlight.Remove(chunk);
        }
        if (state.State.State == BatchState.Running && state.State.Completed >= state.State.Total && _pending.Count == 0 && _inFlight.Count == 0)
        {
            await Finish();
        }
        else
        {
            Fill();
        }
    }

    private async Task Finish()
    {
        state.State.State = BatchState.Completed;
        state.State.FinishedAt = state.State.UpdatedAt = time.GetUtcNow();
        _dirty = false;
        await state.WriteStateAsync();
        await StopReminder();
        await Registry.Finished(Id);
        logger.LogInformation("Batch {Batch} completed: {Total} items", Id, state.State.Total);
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
        return new BatchStatus(Id, s.Spec?.Name ?? "", s.Spec?.Kind ?? BatchKind.Scenarios, s.State, s.Total, s.Completed, s.DatasetVersion, s.Owner,
            [.. (s.Spec?.EffectiveMetrics ?? []).Select(m => m.Label)], s.CreatedAt, s.UpdatedAt, s.FinishedAt, s.ChunkSize, s.Failed, s.ItemsBySilo);
    }

    /// <summary>Checks every item before anything runs; problems name the item's path (e.g. <c>scenarios[12].levers[0].rate</c>).</summary>
    private static void Validate(BatchSpec spec, CompiledBaseline compiled)
    {
        var issues = new List<ScenarioIssue>();
        if (string.IsNullOrWhiteSpace(spec.Name))
        {
            issues.Add(new ScenarioIssue("name", "a batch needs a name"));
        }
        if (spec.ChunkSize is < 0 or > BatchLimits.MaxChunkSize)
        {
            issues.Add(new ScenarioIssue("chunkSize", $"{spec.ChunkSize} is outside 0..{BatchLimits.MaxChunkSize}"));
        }
        switch (spec.Kind)
        {
            case BatchKind.Scenarios:
                if (spec.Scenarios.IsDefaultOrEmpty)
                {
                    issues.Add(new ScenarioIssue("scenarios", "a batch needs at least one scenario"));
                    break;
                }
                if (spec.Scenarios.Length > BatchLimits.MaxItems)
                {
                    issues.Add(new ScenarioIssue("scenarios", $"{spec.Scenarios.Length} scenarios; at most {BatchLimits.MaxItems}"));
                    break;
                }
                var horizon = spec.Scenarios.Min(s => s is null ? compiled.MaxHorizon : ScenarioValidator.HorizonOf(s, compiled));
                ExperimentChecks.Metrics(spec.Metrics, compiled, horizon, issues);
                for (var i = 0; i < spec.Scenarios.Length && issues.Count < 100; i++)
                {
                    if (spec.Scenarios[i] is null)
                    {
                        issues.Add(new ScenarioIssue($"scenarios[{i}]", "missing"));
                        continue;
                    }
                    issues.AddRange(ScenarioValidator.Validate(spec.Scenarios[i], compiled).Select(x => x with { Field = $"scenarios[{i}].{x.Field}" }));
                }
                break;
            case BatchKind.Sweep when spec.Sweep is not null:
                issues.AddRange(Sweep.Validate(spec.Sweep, compiled).Select(x => x with { Field = $"sweep.{x.Field}" }));
                break;
            case BatchKind.MonteCarlo when spec.MonteCarlo is not null:
                issues.AddRange(MonteCarlo.Validate(spec.MonteCarlo, compiled).Select(x => x with { Field = $"monteCarlo.{x.Field}" }));
                break;
            default:
                issues.Add(new ScenarioIssue(spec.Kind == BatchKind.Sweep ? "sweep" : "monteCarlo", "missing for this batch kind"));
                break;
        }
        if (issues.Count == 0 && spec.ItemCount > BatchLimits.MaxItems)
        {
            issues.Add(new ScenarioIssue("items", $"{spec.ItemCount} items; at most {BatchLimits.MaxItems}"));
        }
        if (issues.Count > 0)
        {
            throw new ScenarioException(issues);
        }
    }

    private static async Task ForEachBounded<T>(IEnumerable<T> items, int parallelism, Func<T, Task> action)
    {
        var running = new List<Task>();
        foreach (var item in items)
        {
            running.Add(action(item));
            if (running.Count >= parallelism)
            {
                var finished = await Task.WhenAny(running);
                running.Remove(finished);
                await finished;
            }
        }
        await Task.WhenAll(running);
    }
}
