using System.Collections.Immutable;
using NevGrains.Contracts;
using NevGrains.Contracts.Experiments;
using NevGrains.Grains.Compute;
using NevGrains.Grains.Data;
using NevGrains.Model.Experiments;

namespace NevGrains.Grains.Experiments;

/// <summary>
/// An evaluation lane; see <see cref="IEvaluationLaneGrain"/>. The pure model evaluates; the lane resolves the version and takes
/// each item's turn at its silo's <see cref="ComputeGate"/> as bulk work of the experiment's caller.
/// </summary>
[Orleans.Placement.RandomPlacement]
public sealed class EvaluationLaneGrain(BaselineCache cache, ComputeGate gate) : Grain, IEvaluationLaneGrain
{
    public async Task<ImmutableArray<ItemResult>> Evaluate(ExperimentWork work, long from, int count, CancellationToken cancellationToken = default)
    {
        var compiled = await cache.Get(work.DatasetVersion, cancellationToken);
        return await gate.RunItems(work, compiled, from, count, CallerOnCall.Current, cancellationToken);
    }
}
