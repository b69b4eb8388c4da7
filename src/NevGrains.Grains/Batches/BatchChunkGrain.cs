using System.Collections.Immutable;
using System.Globalization;
using NevGrains.Contracts.Batches;
using NevGrains.Grains.Data;
using NevGrains.Model.Engine;
using NevGrains.Model.Experiments;
using NevGrains.Model.Scenarios;

namespace NevGrains.Grains.Batches;

/// <summary>
/// A chunk of a batch: the unit of parallel work. Random placement spreads chunks over every silo, new silos included.
/// Its results are persisted in one write; once done, running it again only reports the count (no duplicates).
/// </summary>
[Orleans.Placement.RandomPlacement]
public sealed class BatchChunkGrain(
    [PersistentState("chunk", StorageNames.Batches)] IPersistentState<BatchChunkState> state,
    BaselineCache cache,
    ILocalSiloDetails silo) : Grain, IBatchChunkGrain
{
    public async Task SetInputs(ImmutableArray<Scenario> scenarios)
    {
        if (state.State.Done)
        {
            return;
        }
        state.State.Inputs = scenarios;
        await state.WriteStateAsync();
    }

    public Task<ImmutableArray<Scenario>> GetInputs() => Task.FromResult(state.State.Inputs);

    public Task<ImmutableArray<BatchItemResult>> GetResults() => Task.FromResult(state.State.Done ? state.State.Results : []);

    public async Task<ChunkOutcome> Run(ChunkWork work, CancellationToken cancellationToken = default)
    {
        if (state.State.Done)
        {
            return Outcome();
        }
        var compiled = await cache.Get(work.DatasetVersion, cancellationToken);
        var results = ImmutableArray.CreateBuilder<BatchItemResult>(work.Count);
        for (var i = 0; i < work.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            results.Add(Evaluate(work, compiled, work.From + i, i));
        }
        state.State.Results = results.MoveToImmutable();
        state.State.Done = true;
        state.State.Silo = silo.SiloAddress.ToString();
        state.State.Inputs = []; // inputs are no longer needed once results exist
        await state.WriteStateAsync();
        BatchMetrics.ChunkEvaluated(state.State.Results.Length);
        return Outcome();
    }

    private ChunkOutcome Outcome() => new(state.State.Results.Length, state.State.Results.Count(r => r.Error is not null), state.State.Silo);

    private BatchItemResult Evaluate(ChunkWork work, CompiledBaseline compiled, long index, int offset)
    {
        var version = compiled.Version;
        switch (work.Kind)
        {
            case BatchKind.MonteCarlo:
                var draw = MonteCarlo.EvaluateDraw(work.MonteCarlo!, compiled, index);
                return new BatchItemResult(index, $"draw {index}", draw.Scenario, version, draw.Base);
            case BatchKind.Sweep:
                var point = Sweep.EvaluatePoint(work.Sweep!, compiled, index);
                var label = string.Join(", ", work.Sweep!.Axes.Select((a, k) => $"{a.Target}={point.AxisValues[k].ToString(CultureInfo.InvariantCulture)}"));
                return new BatchItemResult(index, label, point.Metrics, version);
            default:
                var scenario = state.State.Inputs[offset];
                try
                {
                    var result = ScenarioEngine.Run(compiled, scenario);
                    return new BatchItemResult(index, scenario.Name, [.. work.Metrics.Select(m => m.Evaluate(result, compiled))], version);
                }
                catch (ScenarioException ex)
                {
                    return new BatchItemResult(index, scenario.Name, [], version, Error: ex.Message);
                }
        }
    }
}
