using NevGrains.Model.Data;
using NevGrains.Model.Engine.Supply;

namespace NevGrains.Model.Engine;

/// <summary>Per-market working state of a run: sizes, diffusion states, constants, prices and quantities per alternative and nest.</summary>
internal sealed class MarketState
{
    private const int K = Powertrains.Count;

    public MarketState(MarketInfo info, MarketInputs inputs, int brands)
    {
        Info = info;
        In = inputs;
        Slots = info.Alternatives.Length;
        Brands = brands;
        Cells = new RouteCell?[brands, K];
        Familiarity = new double[Slots];
        Xi = new double[Slots, K];
        StaticUtility = new double[Slots, K];
        Calibrated = new bool[Slots, K];
        NetPrice = new double[Slots, K];
        ReferencePrice = new double[Slots, K];
        ConsumerPrice = new double[Slots, K];
        PriceFactor = new double[Slots, K];
        Weight = new double[Slots, K];
        Demand = new double[Slots, K];
        Supplied = new double[Slots, K];
        PreviousSupplied = new double[Slots, K];
        BasePrice = new double[Slots, K];
        for (var s = 0; s < Slots; s++)
        {
            for (var k = 0; k < K; k++)
            {
                BasePrice[s, k] = info.Alternatives[s].BasePriceUsd[k];
            }
        }
    }

    public MarketInfo Info { get; }
    public MarketInputs In { get; }
    public int Slots { get; }
    public int Brands { get; }
    public RouteCell?[,] Cells { get; }

    public double Size { get; set; }
    public double DensityBase { get; set; }
    public bool[] NestOn { get; } = new bool[K];
    public double[] BaseAsc { get; } = new double[K];
    public double[] Asc { get; } = new double[K];
    public double[] AdoptionBase { get; } = new double[K];
    public double[] CeilingScale { get; } = [1, 1, 1];
    /// <summary>Diffusion state per plug-in nest: the adoption path (the share the nest would have at base-year prices).</summary>
    public double[] Adoption { get; } = new double[K];
    public double[] GapBase { get; } = new double[K];
    public double[] GapPrevious { get; } = new double[K];
    public double[] ReferenceConsumerPrice { get; } = new double[K];
    /// <summary>Per nest: the Chinese brands' relative price move, which competitors partly match.</summary>
    public double[] ChineseMove { get; } = new double[K];
    /// <summary>Per nest: this iteration's nest share (for the demand derivatives).</summary>
    public double[] NestShare { get; } = new double[K];
    /// <summary>Per nest: this iteration's sum of within-nest weights.</summary>
    public double[] NestSum { get; } = new double[K];

    /// <summary>Brand familiarity per slot (origin penalty fades as it grows).</summary>
    public double[] Familiarity { get; }
    /// <summary>Net price (before VAT and purchase tax) the run anchors on; an offer new to the market gets its own at introduction.</summary>
    public double[,] BasePrice { get; }
    public double[,] Xi { get; }
    /// <summary>This year's utility without the price term (constant included).</summary>
    public double[,] StaticUtility { get; }
    public bool[,] Calibrated { get; }
    public double[,] NetPrice { get; }
    public double[,] ReferencePrice { get; }
    public double[,] ConsumerPrice { get; }
    /// <summary>d(consumer price)/d(net price): purchase tax and VAT.</summary>
    public double[,] PriceFactor { get; }
    public double[,] Weight { get; }
    public double[,] Demand { get; }
    public double[,] Supplied { get; }
    /// <summary>Last year's units: the weights of the Chinese price move competitors respond to.</summary>
    public double[,] PreviousSupplied { get; }
}
