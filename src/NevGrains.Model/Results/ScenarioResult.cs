using System.Collections.Immutable;

namespace NevGrains.Model.Results;

/// <summary>
/// Everything one scenario run produces, for the years from the base year to the horizon. Money is in USD;
/// prices include VAT and purchase taxes net of subsidies (what a buyer pays); revenue is net of VAT and taxes.
/// </summary>
[GenerateSerializer, Immutable, Alias("nev.ScenarioResult")]
public sealed record ScenarioResult(
    [property: Id(0)] string Scenario,
    [property: Id(1)] string DatasetVersion,
    [property: Id(2)] int BaseYear,
    [property: Id(3)] int Horizon,
    [property: Id(4)] ImmutableArray<CellResult> Cells,
    [property: Id(5)] ImmutableArray<MarketYearResult> Markets,
    [property: Id(6)] ImmutableArray<BrandYearResult> Brands,
    [property: Id(7)] ImmutableArray<PlantYearResult> Plants,
    [property: Id(8)] SolverDiagnostics Diagnostics)
{
    public IEnumerable<CellResult> CellsOf(string owner, string? market = null, int? year = null) =>
        Cells.Where(c => c.Owner == owner && (market is null || c.Market == market) && (year is null || c.Year == year));

    public CellResult? Cell(string owner, string market, int year) =>
        Cells.FirstOrDefault(c => c.Owner == owner && c.Market == market && c.Year == year);

    public MarketYearResult? Market(string market, int year) =>
        Markets.FirstOrDefault(m => m.Market == market && m.Year == year);

    public BrandYearResult? Brand(string brand, int year) =>
        Brands.FirstOrDefault(b => b.Brand == brand && b.Year == year);
}

/// <summary>One brand or competitor in one market and year.</summary>
[GenerateSerializer, Immutable, Alias("nev.CellResult")]
public sealed record CellResult(
    [property: Id(0)] string Owner,
    [property: Id(1)] bool IsCompetitor,
    [property: Id(2)] string Market,
    [property: Id(3)] int Year,
    [property: Id(4)] double BevUnits,
    [property: Id(5)] double PhevUnits,
    [property: Id(6)] double OtherUnits,
    [property: Id(7)] double ShareOfMarket,
    [property: Id(8)] double ShareOfNev,
    [property: Id(9)] double AveragePriceUsd,
    [property: Id(10)] double RevenueUsd,
    [property: Id(11)] double GrossMarginUsd,
    [property: Id(12)] double TariffPaidUsd,
    [property: Id(13)] double LocallyBuiltShare,
    [property: Id(14)] double CapacityUtilisation,
    [property: Id(15)] double ChinaBuiltUnits,
    [property: Id(16)] double ChinaBuiltNevUnits,
    /// <summary>Demand the brand could not serve (scarcity beyond the price cap of docs/model.md section 6.3); buyers took competitors' cars.</summary>
    [property: Id(17)] double UnmetUnits,
    [property: Id(18)] double ChinaBuiltBevUnits = 0,
    /// <summary>Average scarcity rent per car: how far binding capacity, export caps or offsets raised the cost that sets the price.</summary>
    [property: Id(19)] double ScarcityRentUsd = 0)
{
    public double Units => BevUnits + PhevUnits + OtherUnits;

    public double NevUnits => BevUnits + PhevUnits;

    public double GrossMarginRate => RevenueUsd > 0 ? GrossMarginUsd / RevenueUsd : 0;
}

/// <summary>A market in one year.</summary>
[GenerateSerializer, Immutable, Alias("nev.MarketYearResult")]
public sealed record MarketYearResult(
    [property: Id(0)] string Market,
    [property: Id(1)] int Year,
    [property: Id(2)] double TotalUnits,
    [property: Id(3)] double BevUnits,
    [property: Id(4)] double PhevUnits,
    [property: Id(5)] double ChineseUnits,
    [property: Id(6)] double ChineseNevUnits,
    [property: Id(7)] double PublicChargers,
    [property: Id(8)] double TariffPaidUsd)
{
    public double BevShare => TotalUnits > 0 ? BevUnits / TotalUnits : 0;

    public double PhevShare => TotalUnits > 0 ? PhevUnits / TotalUnits : 0;

    public double ChineseShare => TotalUnits > 0 ? ChineseUnits / TotalUnits : 0;
}

/// <summary>A Chinese brand across all markets in one year.</summary>
[GenerateSerializer, Immutable, Alias("nev.BrandYearResult")]
public sealed record BrandYearResult(
    [property: Id(0)] string Brand,
    [property: Id(1)] int Year,
    [property: Id(2)] double Units,
    [property: Id(3)] double NevUnits,
    [property: Id(4)] double RevenueUsd,
    [property: Id(5)] double GrossMarginUsd,
    [property: Id(6)] double TariffPaidUsd,
    [property: Id(7)] double ChinaBuiltUnits,
    [property: Id(8)] double ChinaBuiltNevUnits,
    [property: Id(9)] double LocallyBuiltUnits,
    [property: Id(10)] double UnmetUnits);

/// <summary>A plant in one year: what it built against what it could build.</summary>
[GenerateSerializer, Immutable, Alias("nev.PlantYearResult")]
public sealed record PlantYearResult(
    [property: Id(0)] string Plant,
    [property: Id(1)] string Brand,
    [property: Id(2)] int Year,
    [property: Id(3)] double Units,
    [property: Id(4)] double Capacity)
{
    public double Utilisation => Capacity > 0 ? Units / Capacity : 0;
}

/// <summary>How the yearly equilibrium solves went (docs/model.md, section 6.4).</summary>
[GenerateSerializer, Immutable, Alias("nev.SolverDiagnostics")]
public sealed record SolverDiagnostics(
    [property: Id(0)] int Iterations,
    [property: Id(1)] double MaxPriceResidual,
    [property: Id(2)] int YearsNotConverged,
    [property: Id(3)] ImmutableArray<YearSolve> Years = default)
{
    /// <summary>Every projected year reached the solver's tolerance.</summary>
    public bool Converged => YearsNotConverged == 0;

    /// <summary>The projected years whose solve stopped before the tolerance.</summary>
    public IEnumerable<int> NotConvergedYears => Years.IsDefault ? [] : Years.Where(y => y.Exit != SolverExit.Converged).Select(y => y.Year);
}

/// <summary>Why a year's equilibrium solve stopped.</summary>
public enum SolverExit
{
    /// <summary>The residual fell below the tolerance.</summary>
    Converged,
    /// <summary>The iteration limit was reached first; the year's results are the last iterate.</summary>
    IterationLimit,
    /// <summary>No step reduced the residual any more (a kink or a discontinuity, e.g. a subsidy price cap).</summary>
    Stalled,
}

/// <summary>One projected year's equilibrium solve: why it stopped, after how many iterations, at what residual.</summary>
[GenerateSerializer, Immutable, Alias("nev.YearSolve")]
public sealed record YearSolve(
    [property: Id(0)] int Year,
    [property: Id(1)] SolverExit Exit,
    [property: Id(2)] int Iterations,
    [property: Id(3)] double Residual);
