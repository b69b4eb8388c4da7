namespace NevGrains.Model.Engine;

/// <summary>
/// Fixed numbers of the model's equations that are conventions or numerical settings rather than uncertain parameters
/// (those are in <see cref="Parameters.ParameterCatalog"/>). Each names the docs/model.md section that uses it.
/// </summary>
internal static class ModelConstants
{
    /// <summary>Range a BEV's range is measured against in its utility term (section 3).</summary>
    public const double ReferenceRangeKm = 400;

    /// <summary>Shortest range the range term accepts (section 3).</summary>
    public const double MinimumRangeKm = 50;

    /// <summary>Stores and service sites enter utility per this many yearly sales (section 3).</summary>
    public const double SalesPerStoreDensityUnit = 10_000;

    /// <summary>Largest yearly rate at which unfamiliarity fades (section 3).</summary>
    public const double MaxFamiliarityRate = 0.95;

    /// <summary>A competitor's price never falls below this share of its base price (section 4.2).</summary>
    public const double CompetitorPriceFloorShare = 0.2;

    /// <summary>A buyer pays at least this share of the gross price, whatever the subsidies (section 4.4).</summary>
    public const double ConsumerPriceFloorShare = 0.05;

    /// <summary>The brand's share of the pre-VAT price never falls below this in the floor's denominator (section 4.2).</summary>
    public const double MinimumBrandShareOfPrice = 0.05;

    /// <summary>A plant's powertrain line exists where the lever-free run built at least this many of that powertrain there in the year (section 6.1).</summary>
    public const double MinimumLineUnits = 1;

    /// <summary>Diffusion states stay inside (0, 1) by this much (section 2).</summary>
    public const double AdoptionBound = 1e-6;

    /// <summary>Largest share a diffusion path or ceiling may take (section 2).</summary>
    public const double MaxAdoption = 0.999;

    /// <summary>
    /// Temperatures (USD per car) of the smoothed route choice in the equilibrium solve, first to last (section 6.4): the first is of
    /// the order of cost gaps between routes, the last small enough that prices are within about ten dollars (0.05%) of the unsmoothed equilibrium; the allocation itself is exact (section 6.2).
    /// </summary>
    public static readonly double[] SmoothingStagesUsd = [256, 64, 16];

    /// <summary>Rent (USD per car) that counts as one unit of residual when a constraint's rent should be zero (section 6.4).</summary>
    public const double RentScaleUsd = 1_000;

    /// <summary>Relative residual at which an intermediate smoothing stage hands over to the next (section 6.4).</summary>
    public const double StageTolerance = 1e-6;

    /// <summary>Quota fills are iterated to this change between rounds (section 5.3).</summary>
    public const double QuotaFillTolerance = 1e-10;

    /// <summary>Most iterations of the fallback solve per quota round, after the fast solve stopped short (section 6.4).</summary>
    public const int RobustSolveIterations = 150;

    /// <summary>Most iterations of the fallback solve per year, over all its quota rounds (section 6.4).</summary>
    public const int RobustSolveIterationsPerYear = 600;

    /// <summary>Most rounds of quota fills per year (section 5.3).</summary>
    public const int MaxQuotaRounds = 40;
}
