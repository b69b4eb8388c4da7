using NevGrains.Model.Data;
using NevGrains.Model.Engine.Supply;
using NevGrains.Model.Parameters;
using NevGrains.Model.Engine.Costs;

namespace NevGrains.Model.Engine;

/// <summary>The parameter values the engine reads in its loops, taken once from <see cref="ModelParameters"/>.</summary>
internal sealed class Coefficients
{
    public Coefficients(ModelParameters p)
    {
        Alpha[(int)Powertrain.Bev] = p[ParameterId.PriceCoefficientBev];
        Alpha[(int)Powertrain.Phev] = p[ParameterId.PriceCoefficientPhev];
        Alpha[(int)Powertrain.Other] = p[ParameterId.PriceCoefficientOther];
        Lambda = p[ParameterId.NestingLambda];
        PassThroughHigh = p[ParameterId.PassThroughEurope];
        PassThroughLow = p[ParameterId.PassThroughEmerging];
        Distribution = p[ParameterId.DistributionShare];
        MinMargin = p[ParameterId.MinMarginShare];
        HomeCost = p[ParameterId.HomeCostRatio];
        FobMarkup = p[ParameterId.ExportFobMarkup];
        MaxScarcityRent = p[ParameterId.MaxScarcityRent];
        MaxIterations = (int)Math.Round(p[ParameterId.SolverIterations]);
        Tolerance = p[ParameterId.SolverTolerance];
    }

    public double[] Alpha { get; } = new double[Powertrains.Count];
    public double Lambda { get; }
    public double PassThroughHigh { get; }
    public double PassThroughLow { get; }
    public double Distribution { get; }
    public double MinMargin { get; }
    public double HomeCost { get; }
    public double FobMarkup { get; }
    public double MaxScarcityRent { get; }
    public int MaxIterations { get; }
    public double Tolerance { get; }

    /// <summary>Price over opportunity cost at the margin floor: p ≥ E / (1 − distribution − minimum margin).</summary>
    public double FloorFactor => 1 / Math.Max(ModelConstants.MinimumBrandShareOfPrice, 1 - Distribution - MinMargin);
}

/// <summary>Everything one run works on: the scenario's inputs, the markets' states, each brand's supply network.</summary>
internal sealed class RunState
{
    public RunState(ScenarioInputs inputs, double[]? growthOffset, ProductionLines? lines = null)
    {
        Lines = lines;
        Inputs = inputs;
        Compiled = inputs.Compiled;
        Parameters = inputs.Parameters;
        Coefficients = new Coefficients(inputs.Parameters);
        Years = inputs.Years;
        Brands = Compiled.Brands.Length;
        GrowthOffset = growthOffset;
        ChinaRegion = Compiled.RegionIndex.TryGetValue("china", out var china) ? china : 0;
        Markets = new MarketState[Compiled.Markets.Length];
        for (var m = 0; m < Markets.Length; m++)
        {
            Markets[m] = new MarketState(Compiled.Markets[m], inputs.Markets[m], Brands);
        }
        var cellsByBrand = new List<RouteCell>[Brands];
        for (var b = 0; b < Brands; b++)
        {
            cellsByBrand[b] = [];
        }
        foreach (var market in Markets)
        {
            for (var b = 0; b < Brands; b++)
            {
                foreach (var powertrain in Powertrains.All)
                {
                    if (!market.In.Offered[b, (int)powertrain])
                    {
                        continue;
                    }
                    var plants = inputs.Plants.Where(p => p.Brand == b && p.Powertrains[(int)powertrain] && Reachable(p, market.Info)).ToArray();
                    var local = plants.Select(p => Compiled.IsDomestic(market.Info, p.Country)).ToArray();
                    var cell = new RouteCell(market.Info.Index, b, powertrain, plants, local);
                    market.Cells[b, (int)powertrain] = cell;
                    cellsByBrand[b].Add(cell);
                }
            }
        }
        Networks = [.. cellsByBrand.Select((cells, b) => new SupplyNetwork(b, cells))];
        PlantUnits = new double[inputs.Plants.Length][];
        for (var i = 0; i < PlantUnits.Length; i++)
        {
            PlantUnits[i] = new double[Years];
        }
        // Only the flexible run sets the split; the runs that use it need not record one.
        if (lines is null)
        {
            PlantLineUnits = new double[inputs.Plants.Length][];
            for (var i = 0; i < PlantLineUnits.Length; i++)
            {
                PlantLineUnits[i] = new double[Years * Powertrains.Count];
            }
        }
        Quotas = new QuotaLedger(inputs.Tariffs.Quotas);
    }

    public ScenarioInputs Inputs { get; }
    public CompiledBaseline Compiled { get; }
    public ModelParameters Parameters { get; }
    public Coefficients Coefficients { get; }
    public int Years { get; }
    public int Brands { get; }
    public double[]? GrowthOffset { get; }
    public int ChinaRegion { get; }
    public MarketState[] Markets { get; }
    public SupplyNetwork[] Networks { get; }
    /// <summary>[plant][year]: units built.</summary>
    public double[][] PlantUnits { get; }
    /// <summary>[plant][year · Powertrains.Count + powertrain]: units built per powertrain; null in a run on powertrain lines.</summary>
    public double[][]? PlantLineUnits { get; }
    /// <summary>Each plant's split into powertrain lines (section 6.1); null where the plants are flexible (the run that sets the split).</summary>
    public ProductionLines? Lines { get; }
    public QuotaLedger Quotas { get; }

    public IEnumerable<RouteCell> AllCells => Networks.SelectMany(n => n.Cells);

    private bool Reachable(PlantInfo plant, MarketInfo market) =>
        (plant.Serves is null || plant.Serves[market.Index])
        && (plant.Market == market.Index || !double.IsNaN(Compiled.Freight[plant.Region, market.Region]));
}
