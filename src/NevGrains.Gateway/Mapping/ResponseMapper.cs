using System.Globalization;
using NevGrains.Contracts.Batches;
using NevGrains.Model.Experiments;
using NevGrains.Model.Results;
using NevGrains.Model.Scenarios;
using Wire = NevGrains.Api.V1;

namespace NevGrains.Gateway.Mapping;

/// <summary>Model and grain values to API messages.</summary>
internal static class ResponseMapper
{
    /// <summary>A result as the worker filtered it.</summary>
    public static Wire.ScenarioResult Result(ScenarioResult result)
    {
        var message = new Wire.ScenarioResult
        {
            Scenario = result.Scenario,
            DatasetVersion = result.DatasetVersion,
            BaseYear = result.BaseYear,
            Horizon = result.Horizon,
            Diagnostics = Diagnostics(result.Diagnostics),
        };
        message.Cells.AddRange(result.Cells.Select(Cell));
        message.Markets.AddRange(result.Markets.Select(Market));
        message.Brands.AddRange(result.Brands.Select(Brand));
        message.Plants.AddRange(result.Plants.Select(Plant));
        return message;
    }

    public static Wire.CompareScenarioResponse Comparison(Comparison comparison)
    {
        var response = new Wire.CompareScenarioResponse { Scenario = comparison.Scenario, DatasetVersion = comparison.DatasetVersion };
        response.Diagnostics = Optional(comparison.Diagnostics);
        response.BaseDiagnostics = Optional(comparison.BaseDiagnostics);
        response.Cells.AddRange(comparison.Cells.Select(Change));
        return response;
    }

    public static Wire.ExplainScenarioResponse Explanation(Explanation explanation)
    {
        var response = new Wire.ExplainScenarioResponse
        {
            Scenario = explanation.Scenario,
            DatasetVersion = explanation.DatasetVersion,
            Metric = Metric(explanation.Metric),
        };
        response.Diagnostics = Optional(explanation.Diagnostics);
        response.BaseDiagnostics = Optional(explanation.BaseDiagnostics);
        response.Drivers.AddRange(explanation.Drivers.Select(Driver));
        response.Cells.AddRange(explanation.Cells.Select(Explained));
        return response;
    }

    public static Wire.QueryMarketResponse Market(Contracts.Scenarios.MarketProjection projection)
    {
        var response = new Wire.QueryMarketResponse { Market = projection.Market, Scenario = projection.Scenario, DatasetVersion = projection.DatasetVersion };
        response.Years.AddRange(projection.Years.Select(Market));
        response.Cells.AddRange(projection.Cells.Select(Cell));
        response.Diagnostics = Optional(projection.Diagnostics);
        return response;
    }

    public static Wire.QueryBrandResponse Brand(Contracts.Scenarios.BrandReport report)
    {
        var response = new Wire.QueryBrandResponse { Brand = report.Brand, Scenario = report.Scenario, DatasetVersion = report.DatasetVersion };
        response.Years.AddRange(report.Years.Select(Brand));
        response.Cells.AddRange(report.Cells.Select(Cell));
        response.Plants.AddRange(report.Plants.Select(Plant));
        response.Diagnostics = Optional(report.Diagnostics);
        return response;
    }

    public static Wire.RunSweepResponse Sweep(SweepResult result)
    {
        var response = new Wire.RunSweepResponse { DatasetVersion = result.DatasetVersion };
        response.Axes.AddRange(result.Axes);
        response.Metrics.AddRange(result.Metrics);
        response.Points.AddRange(result.Points.Select(p =>
        {
            var point = new Wire.SweepPoint { Index = p.Index };
            point.AxisValues.AddRange(p.AxisValues);
            point.Metrics.AddRange(p.Metrics);
            return point;
        }));
        return response;
    }

    public static Wire.RunMonteCarloResponse MonteCarlo(MonteCarloResult result)
    {
        var response = new Wire.RunMonteCarloResponse { DatasetVersion = result.DatasetVersion, Draws = result.Draws, Seed = result.Seed };
        response.Metrics.AddRange(result.Metrics.Select(m => new Wire.MetricSummary
        {
            Metric = m.Metric,
            Base = Quantiles(m.Base),
            Scenario = Quantiles(m.Scenario),
            Delta = Quantiles(m.Delta),
        }));
        response.Thresholds.AddRange(result.Thresholds.Select(t => new Wire.ThresholdProbability
        {
            Threshold = new Wire.Threshold { Metric = t.Threshold.Metric, Value = t.Threshold.Value, Below = !t.Threshold.Above, OnDelta = t.Threshold.OnDelta },
            Probability = t.Probability,
        }));
        return response;
    }

    public static Wire.RunSensitivityResponse Sensitivity(SensitivityResult result)
    {
        var response = new Wire.RunSensitivityResponse { DatasetVersion = result.DatasetVersion, Metric = result.Metric, Center = result.Center };
        response.Bars.AddRange(result.Bars.Select(b => new Wire.TornadoBar
        {
            Parameter = b.Parameter,
            LowValue = b.LowValue,
            HighValue = b.HighValue,
            MetricAtLow = b.MetricAtLow,
            MetricAtHigh = b.MetricAtHigh,
        }));
        return response;
    }

    /// <summary>A run's solver diagnostics, every projected year whatever the result filter (a year's solve starts from the years before it).</summary>
    public static Wire.SolverDiagnostics Diagnostics(SolverDiagnostics d)
    {
        var message = new Wire.SolverDiagnostics
        {
            Iterations = d.Iterations,
            MaxPriceResidual = d.MaxPriceResidual,
            YearsNotConverged = d.YearsNotConverged,
            Converged = d.Converged,
        };
        if (!d.Years.IsDefault)
        {
            message.Years.AddRange(d.Years.OrderBy(y => y.Year).Select(y => new Wire.YearSolve
            {
                Year = y.Year,
                Exit = Exit(y.Exit),
                Iterations = y.Iterations,
                Residual = y.Residual,
            }));
        }
        return message;
    }

    /// <summary>Diagnostics where a result carries them (results from older silos may not); unset otherwise.</summary>
    private static Wire.SolverDiagnostics? Optional(SolverDiagnostics? diagnostics) => diagnostics is null ? null : Diagnostics(diagnostics);

    public static Wire.SolverExit Exit(SolverExit exit) => exit switch
    {
        SolverExit.Converged => Wire.SolverExit.Converged,
        SolverExit.IterationLimit => Wire.SolverExit.IterationLimit,
        SolverExit.Stalled => Wire.SolverExit.Stalled,
        _ => Wire.SolverExit.Unspecified,
    };

    public static Wire.CellResult Cell(CellResult c) => new()
    {
        Owner = c.Owner,
        IsCompetitor = c.IsCompetitor,
        Market = c.Market,
        Year = c.Year,
        BevUnits = c.BevUnits,
        PhevUnits = c.PhevUnits,
        OtherUnits = c.OtherUnits,
        ShareOfMarket = c.ShareOfMarket,
        ShareOfNev = c.ShareOfNev,
        AveragePriceUsd = c.AveragePriceUsd,
        RevenueUsd = c.RevenueUsd,
        GrossMarginUsd = c.GrossMarginUsd,
        TariffPaidUsd = c.TariffPaidUsd,
        LocallyBuiltShare = c.LocallyBuiltShare,
        CapacityUtilisation = c.CapacityUtilisation,
        ChinaBuiltUnits = c.ChinaBuiltUnits,
        ChinaBuiltNevUnits = c.ChinaBuiltNevUnits,
        UnmetUnits = c.UnmetUnits,
        ScarcityRentUsd = c.ScarcityRentUsd,
    };

    public static Wire.MarketYearResult Market(MarketYearResult m) => new()
    {
        Market = m.Market,
        Year = m.Year,
        TotalUnits = m.TotalUnits,
        BevUnits = m.BevUnits,
        PhevUnits = m.PhevUnits,
        ChineseUnits = m.ChineseUnits,
        ChineseNevUnits = m.ChineseNevUnits,
        PublicChargers = m.PublicChargers,
        TariffPaidUsd = m.TariffPaidUsd,
    };

    public static Wire.BrandYearResult Brand(BrandYearResult b) => new()
    {
        Brand = b.Brand,
        Year = b.Year,
        Units = b.Units,
        NevUnits = b.NevUnits,
        RevenueUsd = b.RevenueUsd,
        GrossMarginUsd = b.GrossMarginUsd,
        TariffPaidUsd = b.TariffPaidUsd,
        ChinaBuiltUnits = b.ChinaBuiltUnits,
        ChinaBuiltNevUnits = b.ChinaBuiltNevUnits,
        LocallyBuiltUnits = b.LocallyBuiltUnits,
        UnmetUnits = b.UnmetUnits,
    };

    public static Wire.PlantYearResult Plant(PlantYearResult p) => new()
    {
        Plant = p.Plant,
        Brand = p.Brand,
        Year = p.Year,
        Units = p.Units,
        Capacity = p.Capacity,
    };

    public static Wire.CellChange Change(CellChange c) => new()
    {
        Owner = c.Owner,
        IsCompetitor = c.IsCompetitor,
        Market = c.Market,
        Year = c.Year,
        BaseUnits = c.BaseUnits,
        ScenarioUnits = c.ScenarioUnits,
        BaseShare = c.BaseShare,
        ScenarioShare = c.ScenarioShare,
        BaseGrossMarginUsd = c.BaseGrossMarginUsd,
        ScenarioGrossMarginUsd = c.ScenarioGrossMarginUsd,
        BaseTariffPaidUsd = c.BaseTariffPaidUsd,
        ScenarioTariffPaidUsd = c.ScenarioTariffPaidUsd,
    };

    public static Wire.ExplainedCell Explained(ExplainedCell c)
    {
        var message = new Wire.ExplainedCell
        {
            Owner = c.Owner,
            IsCompetitor = c.IsCompetitor,
            Market = c.Market,
            Year = c.Year,
            BaseValue = c.BaseValue,
            ScenarioValue = c.ScenarioValue,
        };
        message.ByDriver.AddRange(c.ByDriver);
        return message;
    }

    public static Wire.Driver Driver(Driver driver) => driver switch
    {
        Model.Scenarios.Driver.Tariff => Wire.Driver.Tariff,
        Model.Scenarios.Driver.Price => Wire.Driver.Price,
        Model.Scenarios.Driver.PlantRoute => Wire.Driver.PlantRoute,
        Model.Scenarios.Driver.Channel => Wire.Driver.Channel,
        Model.Scenarios.Driver.Infrastructure => Wire.Driver.Infrastructure,
        Model.Scenarios.Driver.Demand => Wire.Driver.Demand,
        _ => Wire.Driver.Competitor,
    };

    public static ExplainedMetric Metric(Wire.ExplainedMetric metric) => metric switch
    {
        Wire.ExplainedMetric.Revenue => ExplainedMetric.Revenue,
        Wire.ExplainedMetric.GrossMargin => ExplainedMetric.GrossMargin,
        Wire.ExplainedMetric.TariffPaid => ExplainedMetric.TariffPaid,
        _ => ExplainedMetric.Units,
    };

    public static Wire.ExplainedMetric Metric(ExplainedMetric metric) => metric switch
    {
        ExplainedMetric.Revenue => Wire.ExplainedMetric.Revenue,
        ExplainedMetric.GrossMargin => Wire.ExplainedMetric.GrossMargin,
        ExplainedMetric.TariffPaid => Wire.ExplainedMetric.TariffPaid,
        _ => Wire.ExplainedMetric.Units,
    };

    public static Wire.BatchStatus Status(BatchStatus s)
    {
        var message = new Wire.BatchStatus
        {
            BatchId = s.Id,
            Name = s.Name,
            State = s.State switch
            {
                BatchState.Completed => Wire.BatchState.Completed,
                BatchState.Cancelled => Wire.BatchState.Cancelled,
                _ => Wire.BatchState.Running,
            },
            Total = s.Total,
            Completed = s.Completed,
            Failed = s.Failed,
            DatasetVersion = s.DatasetVersion,
            CreatedAt = Iso(s.CreatedAt),
            FinishedAt = s.FinishedAt is { } finished ? Iso(finished) : "",
            ChunkSize = s.ChunkSize,
        };
        message.Metrics.AddRange(s.Metrics);
        foreach (var (silo, items) in s.ItemsBySilo ?? System.Collections.Immutable.ImmutableDictionary<string, long>.Empty)
        {
            message.ItemsBySilo[silo] = items;
        }
        return message;
    }

    public static Wire.BatchItemResult Item(BatchItemResult r)
    {
        var message = new Wire.BatchItemResult
        {
            Index = r.Index,
            Label = r.Label,
            DatasetVersion = r.DatasetVersion,
            Error = r.Error ?? "",
        };
        message.Values.AddRange(r.Values);
        if (!r.BaseValues.IsDefault)
        {
            message.BaseValues.AddRange(r.BaseValues);
        }
        return message;
    }

    public static Wire.Quantiles Quantiles(Quantiles q) => new() { P10 = q.P10, P50 = q.P50, P90 = q.P90, Mean = q.Mean };

    public static string Iso(DateTimeOffset time) => time.ToString("O", CultureInfo.InvariantCulture);
}
