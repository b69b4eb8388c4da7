using System.Collections.Immutable;
using NevGrains.Model.Data;
using NevGrains.Model.Engine.Solver;
using NevGrains.Model.Results;

namespace NevGrains.Model.Engine.Results;

/// <summary>Turns each solved year into result rows (docs/model.md, section 8): cells, market totals, brand totals, plants, diagnostics.</summary>
internal sealed class ResultCollector(RunState run)
{
    private const int Bev = (int)Powertrain.Bev;
    private const int Phev = (int)Powertrain.Phev;
    private const int Other = (int)Powertrain.Other;

    private readonly ImmutableArray<CellResult>.Builder _cells = ImmutableArray.CreateBuilder<CellResult>();
    private readonly ImmutableArray<MarketYearResult>.Builder _markets = ImmutableArray.CreateBuilder<MarketYearResult>();
    private readonly ImmutableArray<YearSolve>.Builder _solves = ImmutableArray.CreateBuilder<YearSolve>();

    public void RecordSolve(int y, SolveOutcome outcome) =>
        _solves.Add(new YearSolve(run.Compiled.BaseYear + y, outcome.Exit, outcome.Iterations, outcome.Residual));

    /// <summary>Records the year's plant output, then its result rows.</summary>
    public void CollectYear(int y)
    {
        foreach (var cell in run.AllCells)
        {
            for (var r = 0; r < cell.Plants.Length; r++)
            {
                run.PlantUnits[cell.Plants[r].Index][y] += cell.Units[r];
                if (run.PlantLineUnits is { } lineUnits)
                {
                    lineUnits[cell.Plants[r].Index][y * Powertrains.Count + (int)cell.Powertrain] += cell.Units[r];
                }
            }
        }
        var distribution = run.Coefficients.Distribution;
        var year = run.Compiled.BaseYear + y;
        foreach (var market in run.Markets)
        {
            var info = market.Info;
            double total = 0, bev = 0, phev = 0, chinese = 0, chineseNev = 0, tariff = 0;
            for (var s = 0; s < market.Slots; s++)
            {
                for (var k = 0; k < Powertrains.Count; k++)
                {
                    total += market.Supplied[s, k];
                }
                bev += market.Supplied[s, Bev];
                phev += market.Supplied[s, Phev];
            }
            var nev = bev + phev;
            for (var s = 0; s < market.Slots; s++)
            {
                var alt = info.Alternatives[s];
                var units = market.Supplied[s, Bev] + market.Supplied[s, Phev] + market.Supplied[s, Other];
                var isBrand = s < run.Brands;
                if (units <= 0 && !(isBrand && market.In.Presence[y, s] > 0))
                {
                    continue;
                }
                double revenue = 0, margin = 0, duty = 0, local = 0, china = 0, chinaNev = 0, chinaBev = 0, utilisationWeight = 0, paid = 0, unmet = 0, rent = 0;
                for (var k = 0; k < Powertrains.Count; k++)
                {
                    var sold = market.Supplied[s, k];
                    revenue += sold * market.NetPrice[s, k];
                    paid += sold * market.ConsumerPrice[s, k];
                    if (!isBrand || market.Cells[s, k] is not { } cell)
                    {
                        continue;
                    }
                    unmet += cell.Unmet + cell.Queued;
                    rent += sold * Math.Clamp(cell.Opportunity - cell.OpportunityFree, 0, cell.CappedRent);
                    for (var r = 0; r < cell.Plants.Length; r++)
                    {
                        var routeUnits = cell.Units[r];
                        if (routeUnits <= 0)
                        {
                            continue;
                        }
                        duty += routeUnits * cell.Duty[r];
                        margin += routeUnits * (market.NetPrice[s, k] * (1 - distribution) - cell.Landed[r]);
                        local += cell.Local[r] ? routeUnits : 0;
                        china += cell.Plants[r].IsInChina ? routeUnits : 0;
                        chinaNev += cell.Plants[r].IsInChina && k != Other ? routeUnits : 0;
                        chinaBev += cell.Plants[r].IsInChina && k == Bev ? routeUnits : 0;
                        var plant = run.Inputs.Plants[cell.Plants[r].Index];
                        var capacity = y == 0 ? Math.Max(plant.Capacity[0], run.PlantUnits[plant.Index][0]) : plant.Capacity[y];
                        utilisationWeight += routeUnits * (capacity > 0 ? run.PlantUnits[plant.Index][y] / capacity : 0);
                    }
                }
                if (isBrand && run.Compiled.Brands[s].IsChinese)
                {
                    chinese += units;
                    chineseNev += market.Supplied[s, Bev] + market.Supplied[s, Phev];
                }
                tariff += duty;
                _cells.Add(new CellResult(alt.OwnerId, !isBrand, info.Id, year,
                    market.Supplied[s, Bev], market.Supplied[s, Phev], market.Supplied[s, Other],
                    total > 0 ? units / total : 0,
                    nev > 0 ? (market.Supplied[s, Bev] + market.Supplied[s, Phev]) / nev : 0,
                    units > 0 ? paid / units : 0,
                    revenue, isBrand ? margin : 0, duty,
                    units > 0 ? (isBrand ? local / units : 1) : 0,
                    units > 0 ? utilisationWeight / units : 0,
                    china, chinaNev, unmet, chinaBev,
                    units > 0 ? rent / units : 0));
            }
            _markets.Add(new MarketYearResult(info.Id, year, total, bev, phev, chinese, chineseNev, market.In.Chargers[y], tariff));
        }
    }

    public ScenarioResult Build(string scenarioName)
    {
        var cells = _cells.ToImmutable();
        var solves = _solves.ToImmutable();
        var notConverged = solves.Count(s => s.Exit != SolverExit.Converged);
        var diagnostics = new SolverDiagnostics(solves.Sum(s => s.Iterations), solves.Select(s => s.Residual).DefaultIfEmpty(0).Max(), notConverged, solves);
        return new ScenarioResult(scenarioName, run.Compiled.Version, run.Compiled.BaseYear, run.Inputs.Horizon, cells, _markets.ToImmutable(),
            BrandTotals(cells), PlantResults(), diagnostics);
    }

    private ImmutableArray<BrandYearResult> BrandTotals(ImmutableArray<CellResult> cells)
    {
        var totals = new Dictionary<(string, int), double[]>();
        foreach (var cell in cells)
        {
            if (cell.IsCompetitor)
            {
                continue;
            }
            if (!totals.TryGetValue((cell.Owner, cell.Year), out var t))
            {
                totals[(cell.Owner, cell.Year)] = t = new double[9];
            }
            t[0] += cell.Units;
            t[1] += cell.NevUnits;
            t[2] += cell.RevenueUsd;
            t[3] += cell.GrossMarginUsd;
            t[4] += cell.TariffPaidUsd;
            t[5] += cell.ChinaBuiltUnits;
            t[6] += cell.ChinaBuiltNevUnits;
            t[7] += cell.Units * cell.LocallyBuiltShare;
            t[8] += cell.UnmetUnits;
        }
        var builder = ImmutableArray.CreateBuilder<BrandYearResult>();
        foreach (var brand in run.Compiled.Brands)
        {
            for (var y = 0; y < run.Years; y++)
            {
                var t = totals.GetValueOrDefault((brand.Id, run.Compiled.BaseYear + y)) ?? new double[9];
                builder.Add(new BrandYearResult(brand.Id, run.Compiled.BaseYear + y, t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8]));
            }
        }
        return builder.ToImmutable();
    }

    private ImmutableArray<PlantYearResult> PlantResults()
    {
        var builder = ImmutableArray.CreateBuilder<PlantYearResult>();
        foreach (var plant in run.Inputs.Plants)
        {
            for (var y = 0; y < run.Years; y++)
            {
                builder.Add(new PlantYearResult(plant.Id, run.Compiled.Brands[plant.Brand].Id, run.Compiled.BaseYear + y, run.PlantUnits[plant.Index][y], plant.Capacity[y]));
            }
        }
        return builder.ToImmutable();
    }
}
