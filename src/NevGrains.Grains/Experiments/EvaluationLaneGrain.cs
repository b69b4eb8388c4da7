using System.Collections.Immutable;
using NevGrains.Contracts.Experiments;
using NevGrains.Grains.Data;
using NevGrains.Model.Experiments;

namespace NevGrains.Grains.Experiments;

/// <summary>An evaluation lane; see <see cref="IEvaluationLaneGrain"/>. The pure model evaluates; the lane only resolves the version.</summary>
[Orleans.Placement.RandomPlacement]
public sealed class EvaluationLaneGrain(BaselineCache cache) : Grain, IEvaluationLaneGrain
{
    public async Task<ImmutableArray<ItemResult>> Evaluate(ExperimentWork work, long from, int count, CancellationToken cancellationToken = default)
    {
        var compiled = await cache.Get(work.DatasetVersion, cancellationToken);
        return ExperimentItems.EvaluateRange(work, compiled, from, count, cancellationToken);
    }
}
