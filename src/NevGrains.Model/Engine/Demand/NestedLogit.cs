using NevGrains.Model.Data;

namespace NevGrains.Model.Engine.Demand;

/// <summary>
/// Nested-logit demand in one market (docs/model.md, section 3): within-nest weights exp(V/λ) scaled by presence, nest utility =
/// constant + λ × inclusive value, demand = market size × nest share × share within the nest.
/// </summary>
internal static class NestedLogit
{
    private const int K = Powertrains.Count;

    /// <param name="onSale">Whether a brand's cell can be bought this year (it has a route whose plant builds).</param>
    public static void Demand(MarketState market, int y, Coefficients c)
    {
        var inputs = market.In;
        Span<double> nestUtility = stackalloc double[K];
        var maxNest = double.NegativeInfinity;
        for (var k = 0; k < K; k++)
        {
            market.NestSum[k] = 0;
            nestUtility[k] = double.NegativeInfinity;
            if (!market.NestOn[k])
            {
                continue;
            }
            for (var s = 0; s < market.Slots; s++)
            {
                var presence = inputs.Presence[y, s];
                var buyable = inputs.OfferedInYear[y, s, k] && presence > 0 && (s >= market.Brands || market.Cells[s, k] is { OnSale: true });
                if (!buyable)
                {
                    market.Weight[s, k] = 0;
                    continue;
                }
                var utility = c.Alpha[k] * Math.Log(Math.Max(market.ConsumerPrice[s, k], 1) / market.ReferenceConsumerPrice[k]) + market.StaticUtility[s, k];
                var w = presence * Math.Exp(utility / c.Lambda);
                market.Weight[s, k] = w;
                market.NestSum[k] += w;
            }
            if (market.NestSum[k] > 0)
            {
                nestUtility[k] = market.Asc[k] + c.Lambda * Math.Log(market.NestSum[k]);
                maxNest = Math.Max(maxNest, nestUtility[k]);
            }
        }
        var denominator = 0.0;
        for (var k = 0; k < K; k++)
        {
            if (market.NestSum[k] > 0)
            {
                denominator += Math.Exp(nestUtility[k] - maxNest);
            }
        }
        for (var k = 0; k < K; k++)
        {
            var nestShare = market.NestSum[k] > 0 ? Math.Exp(nestUtility[k] - maxNest) / denominator : 0;
            market.NestShare[k] = nestShare;
            for (var s = 0; s < market.Slots; s++)
            {
                var demand = market.NestSum[k] > 0 ? market.Size * nestShare * market.Weight[s, k] / market.NestSum[k] : 0;
                market.Demand[s, k] = demand;
                market.Supplied[s, k] = demand;
                if (s < market.Brands && market.Cells[s, k] is { } cell)
                {
                    cell.Demand = demand;
                }
            }
        }
    }

    /// <summary>
    /// d demand(slot, k) / d utility(slot, l) for one alternative's own offers in two nests (the same brand's BEV and PHEV):
    /// D (1 − s_j|k) / λ + D s_j|k (1 − S_k) on the diagonal, −D_k D_l / M across nests.
    /// </summary>
    public static double OwnDerivative(MarketState market, int s, int k, int l, double lambda)
    {
        var demand = market.Demand[s, k];
        if (demand <= 0 || market.Size <= 0)
        {
            return 0;
        }
        if (k != l)
        {
            return -demand * market.Demand[s, l] / market.Size;
        }
        var nest = market.NestShare[k];
        var within = nest > 0 ? demand / (market.Size * nest) : 0;
        return demand * ((1 - within) / lambda + within * (1 - nest));
    }
}
