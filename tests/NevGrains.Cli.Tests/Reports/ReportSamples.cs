using NevGrains.Api.V1;

namespace NevGrains.Cli.Tests.Reports;

/// <summary>Small, realistic API responses built in code (a 35 % EU duty on Chinese BEVs, 2025-2030).</summary>
internal static class ReportSamples
{
    public static readonly int[] Years = [2025, 2026, 2027, 2028, 2029, 2030];

    /// <summary>Cars sold per year and the scenario's effect on BYD and SAIC shares, per market.</summary>
    private static readonly (string Market, double TotalUnits, double BydShare2025, double BydGrowth, double Effect)[] Markets =
    [
        ("de", 2_850_000, 0.006, 0.0040, -0.18),
        ("fr", 1_720_000, 0.004, 0.0030, -0.15),
        ("hu", 125_000, 0.009, 0.0055, -0.05),
        ("uk", 1_950_000, 0.011, 0.0045, 0.0),
    ];

    public static CompareScenarioResponse Comparison()
    {
        var response = new CompareScenarioResponse { Scenario = "eu-bev-duty-35", DatasetVersion = "2025.1.0" };
        foreach (var (market, total, share, growth, effect) in Markets)
        {
            foreach (var year in Years)
            {
                var t = year - 2025;
                var baseShare = share + growth * t;
                var scenarioShare = baseShare * (1 + effect * Math.Min(1, t / 2.0));
                response.Cells.Add(Cell("byd", market, year, total, baseShare, scenarioShare, 2_600));
                response.Cells.Add(Cell("saic", market, year, total, baseShare * 1.4, baseShare * 1.4 * (1 + effect), 1_900));
            }
        }
        // A competitor aggregate, only in Germany.
        foreach (var year in Years)
        {
            var competitor = Cell("vw-group", "de", year, 2_850_000, 0.38, 0.385, 3_100);
            competitor.IsCompetitor = true;
            response.Cells.Add(competitor);
        }
        return response;
    }

    private static CellChange Cell(string owner, string market, int year, double total, double baseShare, double scenarioShare, double marginPerCar)
    {
        var (baseUnits, scenarioUnits) = (Math.Round(total * baseShare), Math.Round(total * scenarioShare));
        return new CellChange
        {
            Owner = owner,
            Market = market,
            Year = year,
            BaseUnits = baseUnits,
            ScenarioUnits = scenarioUnits,
            BaseShare = baseShare,
            ScenarioShare = scenarioShare,
            BaseGrossMarginUsd = baseUnits * marginPerCar,
            ScenarioGrossMarginUsd = scenarioUnits * marginPerCar * 0.9,
            BaseTariffPaidUsd = baseUnits * 3_400,
            ScenarioTariffPaidUsd = scenarioUnits * 9_800,
        };
    }

    /// <summary>BYD's 2030 share in Germany and France; the bars are deliberately not sorted by width.</summary>
    public static RunSensitivityResponse Sensitivity() => new()
    {
        DatasetVersion = "2025.1.0",
        Metric = "Share byd de+fr 2030",
        Center = 0.031,
        Bars =
        {
            Bar("demand.nestingLambda", 0.5, 0.8, 0.029, 0.034),
            Bar("demand.priceElasticity", -1.8, -1.2, 0.024, 0.036),
            Bar("infrastructure.chargerElasticity", 0.1, 0.3, 0.0305, 0.0318),
            Bar("costs.batteryUsdPerKwh", 70, 110, 0.035, 0.027),
            Bar("pricing.passThrough.europe", 0.3, 0.9, 0.0335, 0.029),
        },
    };

    public static TornadoBar Bar(string parameter, double low, double high, double atLow, double atHigh) =>
        new() { Parameter = parameter, LowValue = low, HighValue = high, MetricAtLow = atLow, MetricAtHigh = atHigh };

    /// <summary>BYD units in DE+FR for five years (a fan), BYD's EU share in 2030 and Chinese brands' duties in 2030 (single years).</summary>
    public static (MonteCarloSpec Spec, RunMonteCarloResponse Result) MonteCarlo()
    {
        var spec = new MonteCarloSpec { Scenario = new Scenario { Name = "eu-bev-duty-35" }, Draws = 1000, Seed = 42 };
        var result = new RunMonteCarloResponse { DatasetVersion = "2025.1.0", Draws = 1000, Seed = 42 };
        for (var year = 2026; year <= 2030; year++)
        {
            var t = year - 2025;
            spec.Metrics.Add(new MetricSpec { Metric = MetricKind.Units, Owner = "byd", Markets = { "de", "fr" }, Year = year });
            var median = 30_000 + 14_000 * t;
            var spread = 2_500 * t;
            result.Metrics.Add(Summary($"Units byd de+fr {year}", median, spread, scenarioFactor: 0.86));
        }
        spec.Metrics.Add(new MetricSpec { Metric = MetricKind.Share, Owner = "byd", Markets = { "eu" }, Year = 2030 });
        result.Metrics.Add(Summary("Share byd eu 2030", 0.028, 0.006, scenarioFactor: 0.85));
        spec.Metrics.Add(new MetricSpec { Metric = MetricKind.TariffPaid, Markets = { "eu" }, Year = 2030, Name = "Duties 2030" });
        result.Metrics.Add(Summary("Duties 2030", 1.9e9, 0.4e9, scenarioFactor: 2.6));
        return (spec, result);
    }

    private static MetricSummary Summary(string label, double median, double spread, double scenarioFactor)
    {
        Quantiles Q(double p50, double s) => new() { P10 = p50 - 1.28 * s, P50 = p50, P90 = p50 + 1.28 * s, Mean = p50 + 0.1 * s };
        var scenario = median * scenarioFactor;
        return new MetricSummary
        {
            Metric = label,
            Base = Q(median, spread),
            Scenario = Q(scenario, spread * scenarioFactor),
            Delta = Q(scenario - median, spread * 0.3),
        };
    }

    /// <summary>The EU duty rate (5 values) against the nesting parameter (2 values): 10 points, 2 metrics.</summary>
    public static RunSweepResponse Sweep()
    {
        var sweep = new RunSweepResponse
        {
            DatasetVersion = "2025.1.0",
            Axes = { "levers[0].rate", "parameter:demand.nestingLambda" },
            Metrics = { "ChinaBuiltBevUnits chinese eu 2030", "Share byd eu 2030" },
        };
        double[] rates = [0, 0.1, 0.2, 0.3, 0.4];
        double[] lambdas = [0.5, 0.7];
        var index = 0;
        foreach (var rate in rates)
        {
            foreach (var lambda in lambdas)
            {
                var imports = 620_000 * Math.Exp(-2.1 * rate) * (lambda == 0.5 ? 1.0 : 0.92);
                var share = 0.034 * Math.Exp(-1.2 * rate) * (lambda == 0.5 ? 1.0 : 1.05);
                sweep.Points.Add(new SweepPoint { Index = index++, AxisValues = { rate, lambda }, Metrics = { imports, share } });
            }
        }
        return sweep;
    }
}
