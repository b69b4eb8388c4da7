using System.Collections.Frozen;

namespace NevGrains.Model.Parameters;

/// <summary>A named model parameter: its label for charts and tables, its default, the range a user may set, its Monte Carlo prior and where the default comes from.</summary>
public sealed record ParameterSpec(
    ParameterId Id,
    string Name,
    string Label,
    double Default,
    double Min,
    double Max,
    string Unit,
    Prior? Prior,
    string Source,
    string Meaning)
{
    /// <summary>Parameters with a prior take part in Monte Carlo and sensitivity runs; solver settings do not.</summary>
    public bool IsUncertain => Prior is not null;
}

/// <summary>
/// The catalog of named parameters with defaults from the literature in <c>facts/FACTS.md</c> section B.7.
/// <c>docs/model.md</c> lists the same table for readers.
/// </summary>
public static class ParameterCatalog
{
    private static readonly Prior Tight = new(PriorKind.Normal, 0.3);

    public static IReadOnlyList<ParameterSpec> All { get; } =
    [
        new(ParameterId.PriceCoefficientBev, "demand.priceCoefficient.bev", "Price coefficient, BEV", -1.8, -3.5, -0.8, "utility per log price", Tight,
            "Fridstrom & Ostli (ETRR 2021): BEV segment elasticity -1.27 = alpha x (1 - share), share 0.29 (Norway 2016)",
            "Price coefficient of BEV offers; the BEV segment elasticity is alpha x (1 - BEV share), a brand's is about alpha / lambda"),
        new(ParameterId.PriceCoefficientPhev, "demand.priceCoefficient.phev", "Price coefficient, PHEV/EREV", -2.0, -3.5, -0.8, "utility per log price", Tight,
            "Fridstrom & Ostli (ETRR 2021): PHEV segment elasticity -1.72, share 0.13 (Norway 2016)",
            "Price coefficient of PHEV/EREV offers"),
        new(ParameterId.PriceCoefficientOther, "demand.priceCoefficient.other", "Price coefficient, petrol and hybrid", -1.8, -3.5, -0.8, "utility per log price", Tight,
            "Fridstrom & Ostli (ETRR 2021): gasoline -1.08, diesel -0.99 at a combined share near 0.4",
            "Price coefficient of petrol, diesel and hybrid offers"),
        new(ParameterId.NestingLambda, "demand.nestingLambda", "Nesting dissimilarity (lambda)", 0.5, 0.3, 0.85, "dissimilarity", new Prior(PriorKind.Beta, 20),
            "Bounded to [0.3, 0.85] after pyblp issue #146 (rho -> 0.95 gives -45 elasticities); 0.5 gives brand elasticities near -3.6 (BLP 1995: -3 to -6)",
            "Nested-logit dissimilarity of the powertrain nests (1 = plain logit)"),
        new(ParameterId.RangeCoefficient, "demand.rangeCoefficient", "Value of BEV range", 0.5, 0.2, 1.0, "utility per log(range/400 km)", new Prior(PriorKind.Normal, 0.15),
            "WTP USD 47-64 per mile (Dimitropoulos et al. 2011), USD 35-75 declining with range (Hidrue et al. 2011), scaled down for 400-500 km ranges",
            "Value of BEV range"),
        new(ParameterId.StoresCoefficient, "demand.storesCoefficient", "Effect of stores", 0.30, 0.05, 0.6, "utility per log(1 + stores per 10k sales)", new Prior(PriorKind.Normal, 0.1),
            "Nurski & Verboven (ReStud 2016): dealer networks explain a material part of European brand shares; magnitude is a judgement (FACTS C.9 gap 5)",
            "Concave effect of points of sale"),
        new(ParameterId.ServiceCoefficient, "demand.serviceCoefficient", "Effect of service sites", 0.15, 0.0, 0.4, "utility per log(1 + service sites per 10k sales)", new Prior(PriorKind.Normal, 0.08),
            "Judgement: after-sales coverage as a separate 'service anxiety' term for entrants (FACTS B.3)",
            "Concave effect of service sites"),
        new(ParameterId.SwapCoefficient, "demand.swapCoefficient", "Effect of swap stations", 0.10, 0.0, 0.3, "utility per log(1 + swap stations)", new Prior(PriorKind.Normal, 0.05),
            "Judgement: 74% of NIO's European users swap (eletric-vehicles.com 2025-08)",
            "Brand-specific battery-swap access for BEV offers"),
        new(ParameterId.OriginPenalty, "demand.originPenalty", "Chinese-origin penalty", -0.5, -1.5, 0.0, "utility", new Prior(PriorKind.Normal, 0.2),
            "Judgement: with lambda 0.5 a full fade multiplies a brand's within-nest odds by exp(0.5/0.5) = 2.7; Chinese brands doubled their European share in a year (JATO H1 2025: 5.1%), partly from new entries and PHEVs",
            "Utility penalty of a Chinese brand with no familiarity; it applies as penalty x (1 - familiarity)"),
        new(ParameterId.OriginPenaltyDecay, "demand.originPenaltyDecay", "Yearly fading of the origin penalty", 0.15, 0.05, 0.4, "share/year", new Prior(PriorKind.Beta, 20),
            "Judgement: Struben & Sterman awareness stock; 41% of cars sold in Chile are China-made, so the penalty erodes within years",
            "Share of the remaining unfamiliarity that fades each year a brand is present"),
        new(ParameterId.FamiliarityStoresBoost, "demand.familiarityStoresBoost", "Extra fading from stores", 0.05, 0.0, 0.15, "share/year per log(1 + stores per 10k sales)", new Prior(PriorKind.Normal, 0.03),
            "Judgement: presence builds familiarity faster with a denser network (FACTS B.3 awareness stock, a3 x Stores)",
            "Extra yearly fading of the origin penalty from stores"),
        new(ParameterId.NewEntrantOffset, "demand.newEntrantOffset", "New entrant's constant offset", -0.5, -1.5, 0.5, "utility", new Prior(PriorKind.Normal, 0.3),
            "Judgement: an entrant's constant is its mean constant in the markets it already serves, lowered by this (pyblp #184: entry must be a tested path)",
            "Constant of a brand entering a market where it has no base-year sales"),
        new(ParameterId.MarketGrowthSigma, "demand.marketGrowthSigma", "Market growth volatility", 0.04, 0.0, 0.1, "share/year", null,
            "FACTS B.1: sigma around 3-5% a year; Thailand -26.2% in 2024",
            "Standard deviation of each market's growth rate in Monte Carlo runs (a persistent draw per market)"),
        new(ParameterId.BassPBev, "diffusion.bev.p", "BEV adoption, innovation (p)", 0.01, 0.002, 0.03, "1/year", new Prior(PriorKind.LogNormal, 0.5),
            "FACTS B.2: p ~ LogNormal around 0.002-0.02; Sultan, Farley & Lehmann 1990 p = 0.03 for durables",
            "Bass innovation coefficient of BEV familiarity"),
        new(ParameterId.BassQBev, "diffusion.bev.q", "BEV adoption, imitation (q)", 0.2, 0.1, 0.6, "1/year", new Prior(PriorKind.LogNormal, 0.3),
            "Chosen so Germany's plug-in share reaches about half of sales in 2030, as BNEF EVO 2025 projects for Europe (52%); FACTS B.2 prior 0.3-0.6, Sultan et al. 0.38 for durables",
            "Bass imitation coefficient of BEV familiarity"),
        new(ParameterId.BassPPhev, "diffusion.phev.p", "PHEV adoption, innovation (p)", 0.01, 0.002, 0.03, "1/year", new Prior(PriorKind.LogNormal, 0.5),
            "As diffusion.bev.p", "Bass innovation coefficient of PHEV familiarity"),
        new(ParameterId.BassQPhev, "diffusion.phev.q", "PHEV adoption, imitation (q)", 0.25, 0.1, 0.6, "1/year", new Prior(PriorKind.LogNormal, 0.3),
            "Judgement: PHEV adoption is slower and plateaus (Norway's PHEV share fell as BEVs rose)",
            "Bass imitation coefficient of PHEV familiarity"),
        new(ParameterId.CeilingBev, "diffusion.bev.ceiling", "BEV adoption ceiling", 0.98, 0.85, 1.0, "share", new Prior(PriorKind.Beta, 50),
            "Norway's BEV share reached 95.9% in 2025 (OFV); NEMS-style share caps (ANCHORS A.3)",
            "Largest BEV share a market can reach with dense charging"),
        new(ParameterId.CeilingPhev, "diffusion.phev.ceiling", "PHEV adoption ceiling", 0.35, 0.2, 0.5, "share", new Prior(PriorKind.Beta, 30),
            "Judgement: PHEV shares rarely pass 25-30% (Sweden, Poland's plug-in mix)",
            "Largest PHEV share"),
        new(ParameterId.ChargerScale, "diffusion.chargerScale", "Charger density scale", 10, 3, 40, "points per 1,000 yearly sales", new Prior(PriorKind.LogNormal, 0.4),
            "Judgement, concave as Delacretaz et al. 2021 and Melaina 2008 find; Germany (61) is near saturation, Brazil (5) far from it",
            "Charger density at which the BEV ceiling reaches 63% of its maximum: ceiling = max x (1 - exp(-density / scale))"),
        new(ParameterId.ChargerSpeedElasticity, "diffusion.chargerSpeedElasticity", "Effect of chargers on adoption speed", 0.1, 0.0, 0.5, "elasticity", new Prior(PriorKind.Normal, 0.08),
            "Li et al. 2017 and Springel: strong, tapering network effects; small here because chargers already lift the ceiling",
            "Elasticity of BEV diffusion speed to charger density relative to the base year"),
        new(ParameterId.PriceGapSensitivity, "diffusion.priceGapSensitivity", "Effect of the NEV price gap on adoption", 1.0, 0.0, 3.0, "per unit relative price gap", new Prior(PriorKind.Normal, 0.4),
            "Judgement: diffusion slows when NEVs get dearer relative to petrol cars (FACTS B.2)",
            "Diffusion speed multiplier exp(-s x change of the NEV-to-petrol price gap)"),
        new(ParameterId.AscWeight, "diffusion.ascWeight", "Weight of the adoption path", 1.0, 0.5, 1.5, "ratio", new Prior(PriorKind.Normal, 0.15),
            "Judgement: 1 makes a powertrain's share follow its diffusion path when prices do not change",
            "Weight of the diffusion state's logit in the powertrain constant"),
        new(ParameterId.HomeCostRatio, "cost.homeCostRatio", "Unit cost over China price", 0.90, 0.80, 0.97, "ratio", new Prior(PriorKind.Beta, 60),
            "Rhodium Group 2024: BYD Seal U earns EUR 1,300 on EUR 20,500 in China, i.e. cost ~0.93 of the pre-VAT price",
            "Unit cost of a China-built car over its China retail price before Chinese VAT"),
        new(ParameterId.ExportFobMarkup, "cost.exportFobMarkup", "Export transfer-price markup", 0.10, 0.0, 0.3, "ratio", new Prior(PriorKind.Normal, 0.05),
            "Judgement: transfer price over cost used as the customs value before freight",
            "Customs value = unit cost x (1 + markup) + freight"),
        new(ParameterId.DistributionShare, "cost.distributionShare", "Distribution share of the price", 0.15, 0.08, 0.25, "share of pre-VAT price", new Prior(PriorKind.Normal, 0.03),
            "Judgement: dealer and distribution margin in Europe and emerging markets",
            "Part of the pre-VAT price that pays distribution, not the brand"),
        new(ParameterId.PackPrice2025, "cost.packPrice2025", "Battery pack price, 2025", 108, 90, 130, "USD/kWh", null,
            "BNEF battery price survey 2025-12-09: USD 108/kWh in 2025 (V)",
            "Battery pack price in the base year"),
        new(ParameterId.PackPriceTrend, "cost.packPriceTrend", "Battery pack price trend", -0.05, -0.12, 0.03, "share/year", new Prior(PriorKind.Normal, 0.03),
            "BNEF: -20% in 2024, -8% in 2025; judgement for the trend",
            "Yearly change of the battery pack price, which changes NEV unit costs by kWh x change"),
        new(ParameterId.PassThroughEurope, "pricing.passThrough.europe", "Cost pass-through, Europe", 0.6, 0.2, 0.9, "share", new Prior(PriorKind.Beta, 20),
            "Feenstra (NBER w2453): 0.6 for Japanese trucks; the top of FACTS B.4's 0.3-0.6 for high-margin Chinese BEVs in Europe",
            "Share of a landed-cost change passed to the retail price in high-margin markets (Europe, Oceania)"),
        new(ParameterId.PassThroughEmerging, "pricing.passThrough.emerging", "Cost pass-through, emerging markets", 0.8, 0.5, 1.0, "share", new Prior(PriorKind.Beta, 20),
            "FACTS B.4: theta 0.7-0.9 in thin-margin markets (Brazil, Mexico, Turkey)",
            "Share of a landed-cost change passed to the retail price elsewhere"),
        new(ParameterId.MinMarginShare, "pricing.minMarginShare", "Minimum margin", 0.03, 0.0, 0.1, "share of pre-VAT price", null,
            "Judgement: a brand does not sell below cost plus a thin margin; a base-year price that does not cover the modelled cost reveals a cheaper supply (docs/model.md section 4.3)",
            "Smallest gross margin over the opportunity cost a brand accepts; the floor raises pass-through when margins vanish"),
        new(ParameterId.CompetitorResponse, "pricing.competitorResponse", "Competitors' price response", 0.25, 0.0, 0.5, "share", new Prior(PriorKind.Uniform, 0),
            "FACTS B.4: incumbents' price response ~U(0, 0.5); UK makers spent ~GBP 11k per BEV on discounts (SMMT)",
            "Share of the Chinese brands' average relative price change in a nest that competitors match"),
        new(ParameterId.SolverIterations, "solver.maxIterations", "Solver iteration cap", 400, 5, 2000, "iterations", null,
            "pyblp #119: cap the equilibrium solve and report years that stop early",
            "Newton iterations of one year's equilibrium solve, over all smoothing stages"),
        new(ParameterId.SolverTolerance, "solver.tolerance", "Solver tolerance", 1e-10, 1e-13, 1e-4, "relative residual", null,
            "Tight enough that directional checks and reorderings of the data agree to 1e-9",
            "Largest relative complementarity residual (load against capacity, scaled) at which a year counts as solved"),
        new(ParameterId.MaxScarcityRent, "supply.maxScarcityRent", "Largest scarcity rent", 0.3, 0.05, 1.0, "share of net revenue per car", null,
            "Judgement: buyers wait or walk away rather than pay far above list price; dealers ration beyond a premium of this order",
            "Largest scarcity rent a brand's price may carry, as a share of its reference net revenue per car; demand beyond it is rationed and buyers take competitors' cars"),
        new(ParameterId.OriginLocalContent, "trade.originLocalContent", "Local content for origin", 0.4, 0.3, 0.6, "share", null,
            "ATIGA and ACFTA rules of origin: regional value content 40%; ChAFTA RVC 45% (FACTS B.5)",
            "Local content at which a car assembled from Chinese kits takes its plant's country as origin when exported"),
    ];

    private static readonly FrozenDictionary<string, ParameterSpec> ByName =
        All.ToFrozenDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    public static int Count => All.Count;

    public static ParameterSpec Get(ParameterId id) => All[(int)id];

    public static bool TryGet(string name, out ParameterSpec spec) => ByName.TryGetValue(name, out spec!);

    /// <summary>True when the catalog's order matches the enum, which the array-backed <see cref="ModelParameters"/> relies on.</summary>
    internal static bool IsAligned() => All.Select((p, i) => (int)p.Id == i).All(x => x) && All.Count == Enum.GetValues<ParameterId>().Length;
}
