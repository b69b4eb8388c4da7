using NevGrains.Model.Data;
using NevGrains.Model.Engine.Calibration;
using NevGrains.Model.Engine.Costs;
using NevGrains.Model.Engine.Demand;
using NevGrains.Model.Engine.Pricing;
using NevGrains.Model.Engine.Results;
using NevGrains.Model.Engine.Solver;
using NevGrains.Model.Engine.Supply;
using NevGrains.Model.Results;

namespace NevGrains.Model.Engine;

/// <summary>
/// One run of the model over the years of a scenario (docs/model.md): the base year reproduces the data; each later year grows the
/// market and advances diffusion and familiarity, prices the routes, solves the equilibrium of prices, demand and scarce supply,
/// allocates supply exactly, and records the results.
/// </summary>
internal sealed class Simulation(ScenarioInputs inputs, double[]? growthOffset, ProductionLines? lines = null)
{
    private readonly RunState _run = new(inputs, growthOffset, lines);

    /// <summary>What each plant built per powertrain in this run on flexible plants; the lever-free one's is every run's split (section 6.1).</summary>
    public ProductionLines BuiltLines => ProductionLines.From(_run, _run.Compiled.Plants.Length);

    /// <summary>
    /// Runs every year; a cancelled token stops it between years (a year is a few milliseconds) and inside a year's fallback solve.
    /// The years and the solve's iterations are <see cref="YieldPoint"/>s.
    /// </summary>
    public ScenarioResult Execute(string scenarioName, CancellationToken cancellationToken = default)
    {
        var results = new ResultCollector(_run);
        var equilibrium = new ScarcityEquilibrium(_run);
        BaseYearCalibration.Run(_run);
        results.CollectYear(0);
        for (var y = 1; y < _run.Years; y++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            YieldPoint.Reach();
            foreach (var market in _run.Markets)
            {
                Diffusion.Advance(_run, market, y);
                BrandUtility.AdvanceFamiliarity(_run, market, y);
            }
            foreach (var network in _run.Networks)
            {
                network.Prepare(y, _run.Inputs, _run.Compiled, _run.Lines, baseYear: false);
            }
            RouteCosts.Compute(_run, y);
            PriceRule.Prepare(_run, y);
            BrandUtility.Prepare(_run, y);
            results.RecordSolve(y, equilibrium.Solve(y, cancellationToken));
            equilibrium.Allocate();
            equilibrium.CapPrices(y);
            Rationing.Settle(_run);
            foreach (var market in _run.Markets)
            {
                Diffusion.RecordGaps(market);
                Array.Copy(market.Supplied, market.PreviousSupplied, market.Supplied.Length);
            }
            results.CollectYear(y);
        }
        return results.Build(scenarioName);
    }
}

/// <summary>
/// Demand the allocation could not serve at the equilibrium price (rents at their cap, docs/model.md section 6.3) goes to the market's competitors in
/// proportion to their demand: buyers who cannot get the car buy another.
/// </summary>
internal static class Rationing
{
    public static void Settle(RunState run)
    {
        foreach (var market in run.Markets)
        {
            var unmet = 0.0;
            for (var b = 0; b < run.Brands; b++)
            {
                for (var k = 0; k < Powertrains.Count; k++)
                {
                    if (market.Cells[b, k] is { } cell)
                    {
                        market.Supplied[b, k] = cell.OnSale ? cell.Supplied : 0;
                        unmet += cell.OnSale ? cell.Unmet : 0;
                    }
                }
            }
            if (unmet <= 0)
            {
                continue;
            }
            var competitors = 0.0;
            for (var s = run.Brands; s < market.Slots; s++)
            {
                for (var k = 0; k < Powertrains.Count; k++)
                {
                    competitors += market.Demand[s, k];
                }
            }
            for (var s = run.Brands; s < market.Slots && competitors > 0; s++)
            {
                for (var k = 0; k < Powertrains.Count; k++)
                {
                    market.Supplied[s, k] += unmet * market.Demand[s, k] / competitors;
                }
            }
        }
    }
}
