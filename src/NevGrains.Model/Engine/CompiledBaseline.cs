using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using NevGrains.Model.Data;
using NevGrains.Model.Engine.Supply;
using NevGrains.Model.Parameters;

namespace NevGrains.Model.Engine;

/// <summary>
/// The dataset turned into indexed arrays, once per dataset version: markets, brands, competitors, plants, routes,
/// tariff rules and freight. Immutable and shared by every evaluation on any thread.
/// </summary>
public sealed class CompiledBaseline
{
    public const double ChinaVat = 0.13;

    /// <summary>The dataset as given (validated), in its files' order.</summary>
    public Dataset Dataset { get; }

    /// <summary>The same dataset in <see cref="CanonicalOrder"/>: every index below counts in this order.</summary>
    internal Dataset Ordered { get; }
    public string Version => Dataset.Version;
    public int BaseYear { get; }
    public int MaxHorizon { get; }
    public int DefaultHorizon { get; }

    /// <summary>Years from the base year to the maximum horizon; index 0 is the base year.</summary>
    public int YearCount => MaxHorizon - BaseYear + 1;

    public ImmutableArray<MarketInfo> Markets { get; }
    public ImmutableArray<BrandInfo> Brands { get; }
    public ImmutableArray<string> Competitors { get; }
    public ImmutableArray<PlantInfo> Plants { get; }
    public ImmutableArray<string> Regions { get; }
    public FrozenDictionary<string, int> MarketIndex { get; }
    public FrozenDictionary<string, int> BrandIndex { get; }
    public FrozenDictionary<string, int> CompetitorIndex { get; }
    public FrozenDictionary<string, int> PlantIndex { get; }
    public FrozenDictionary<string, int> RegionIndex { get; }
    public FrozenDictionary<string, ImmutableHashSet<string>> CustomsUnions { get; }
    public FrozenDictionary<string, ImmutableArray<TariffRule>> TariffsByJurisdiction { get; }

    /// <summary>Freight in USD per car, [fromRegion, toRegion]; NaN where no lane exists.</summary>
    public double[,] Freight { get; }

    public CompiledBaseline(Dataset dataset)
    {
        Dataset = DatasetLoader.EnsureValid(dataset);
        Ordered = dataset = CanonicalOrder.Of(Dataset);
        var manifest = dataset.Manifest;
        BaseYear = manifest.BaseYear;
        MaxHorizon = manifest.MaxHorizon;
        DefaultHorizon = manifest.DefaultHorizon;

        var fx = manifest.Currencies.OrEmpty().ToDictionary(c => c.Code, c => c.UsdPerUnit.Value, StringComparer.Ordinal);
        Regions = [.. manifest.Regions.OrEmpty().Select(r => r.Id)];
        RegionIndex = Index(Regions);
        CustomsUnions = manifest.CustomsUnions.OrEmpty()
            .ToFrozenDictionary(u => u.Id, u => u.Members.OrEmpty().ToImmutableHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        TariffsByJurisdiction = dataset.Tariffs.OrEmpty()
            .ToFrozenDictionary(t => t.Jurisdiction, t => t.Rules.OrEmpty(), StringComparer.Ordinal);

        Freight = new double[Regions.Length, Regions.Length];
        for (var i = 0; i < Regions.Length; i++)
        {
            for (var j = 0; j < Regions.Length; j++)
            {
                Freight[i, j] = double.NaN;
            }
        }
        foreach (var lane in dataset.Freight.OrEmpty())
        {
            Freight[RegionIndex[lane.From], RegionIndex[lane.To]] = lane.CostUsd.Value;
        }

        Competitors = [.. dataset.Competitors.OrEmpty().Select(c => c.Id)];
        CompetitorIndex = Index(Competitors);
        Brands = [.. dataset.Brands.OrEmpty().Select((b, i) => BrandInfo.From(b, i, fx["CNY"]))];
        BrandIndex = Index(Brands.Select(b => b.Id));
        MarketIndex = Index(dataset.Markets.OrEmpty().Select(m => m.Id));
        Markets = [.. dataset.Markets.OrEmpty().Select((m, i) => MarketInfo.From(m, i, this, fx))];

        var plants = ImmutableArray.CreateBuilder<PlantInfo>();
        foreach (var brand in dataset.Brands.OrEmpty())
        {
            foreach (var plant in brand.Plants.OrEmpty())
            {
                plants.Add(PlantInfo.From(plant, plants.Count, BrandIndex[brand.Id], this));
            }
        }
        Plants = plants.ToImmutable();
        PlantIndex = Index(Plants.Select(p => p.Id));
    }

    /// <summary>The compiled form of the baseline shipped with the model.</summary>
    public static CompiledBaseline Shipped => ShippedBaseline.Value;

    private static readonly Lazy<CompiledBaseline> ShippedBaseline = new(() => new CompiledBaseline(DatasetLoader.LoadEmbeddedBaseline()));

    public int YearIndex(int year) => year - BaseYear;

    /// <summary>Duty plans of the baseline's own rules, shared by every scenario without tariff or plant levers.</summary>
    internal TariffBook BaseTariffs => _baseTariffs ??= new TariffBook(this, [], Plants, ModelParameters.Default[ParameterId.OriginLocalContent]);

    private TariffBook? _baseTariffs;
    private readonly ConcurrentDictionary<(int, double), MarketInputs[]> _baseInputs = new();

    /// <summary>Market inputs of a scenario without levers (read-only once built), cached per horizon and competitor response.</summary>
    internal MarketInputs[] BaseMarketInputs(int years, double competitorResponse) =>
        _baseInputs.Count > 64
            ? ScenarioInputs.BuildMarkets(this, [], years, ModelParameters.Default.With(ParameterId.CompetitorResponse, competitorResponse))
            : _baseInputs.GetOrAdd((years, competitorResponse), key =>
                ScenarioInputs.BuildMarkets(this, [], key.Item1, ModelParameters.Default.With(ParameterId.CompetitorResponse, key.Item2)));

    private readonly ConcurrentDictionary<(ModelParameters, int), ProductionLines> _lines = new();
    private readonly ConditionalWeakTable<double[], ConcurrentDictionary<(ModelParameters, int), ProductionLines>> _drawnLines = new();

    /// <summary>
    /// The plants' powertrain lines for runs with these parameters, this many years and this market-growth draw (null: none): built by
    /// <paramref name="build"/> (the flexible plants' lever-free run, section 6.1) and shared by every later run with the same key.
    /// Callers that miss the cache at once each build their own and the first to finish is kept: none waits for another's build, which
    /// may belong to a bulk run paused for this very caller (Compute/ComputeGate.cs), and a cancelled or failed build caches nothing.
    /// Bounded: parameter sweeps draw a new set per run, and a draw's lines live as long as its growth offsets.
    /// </summary>
    internal ProductionLines LinesFor(ModelParameters parameters, int years, double[]? growthOffset, Func<ProductionLines> build)
    {
        var cache = growthOffset is null ? _lines : _drawnLines.GetValue(growthOffset, _ => new());
        if (cache.Count > 64)
        {
            cache.Clear();
        }
        return cache.TryGetValue((parameters, years), out var lines) ? lines : cache.GetOrAdd((parameters, years), build());
    }

    /// <summary>True when a car made in <paramref name="country"/> enters market <paramref name="market"/> duty-free as a domestic good.</summary>
    public bool IsDomestic(MarketInfo market, string country) =>
        market.Country == country
        || (market.CustomsUnion is { } union && CustomsUnions.TryGetValue(union, out var members) && members.Contains(country));

    private static FrozenDictionary<string, int> Index(IEnumerable<string> ids) =>
        ids.Select((id, i) => (id, i)).ToFrozenDictionary(x => x.id, x => x.i, StringComparer.Ordinal);
}

/// <summary>A brand's offer in one powertrain, with money in USD.</summary>
public sealed record OfferInfo(Powertrain Powertrain, string Model, double HomePriceUsd, double RangeKm, double BatteryKwh);

public sealed record BrandInfo(int Index, string Id, string Name, string Origin, ImmutableArray<OfferInfo?> Offers)
{
    public bool IsChinese => Origin == "CN";

    public OfferInfo? Offer(Powertrain powertrain) => Offers[(int)powertrain];

    internal static BrandInfo From(BrandData brand, int index, double usdPerCny)
    {
        var offers = new OfferInfo?[Powertrains.Count];
        foreach (var offer in brand.Offers.OrEmpty())
        {
            offers[(int)offer.Powertrain] = new OfferInfo(offer.Powertrain, offer.Model, offer.HomePrice.Value * usdPerCny, offer.RangeKm.Value, offer.BatteryKwh.Value);
        }
        return new BrandInfo(index, brand.Id, brand.Name, brand.Origin, [.. offers]);
    }
}

/// <summary>A plant with its capacity per model year (index 0 = base year) and the markets it may serve.</summary>
public sealed record PlantInfo(
    int Index,
    string Id,
    string Name,
    int Brand,
    string Country,
    int Region,
    int Market,
    bool[] Powertrains,
    DateOnly Start,
    DateOnly? End,
    double[] Capacity,
    double UnitCostIndex,
    GoodsForm AssemblyMode,
    double[] LocalContent,
    bool[]? Serves)
{
    public bool IsInChina => Country == "CN";

    internal static PlantInfo From(Plant plant, int index, int brand, CompiledBaseline compiled)
    {
        var years = compiled.YearCount;
        var capacity = StepPath(plant.Capacity.OrEmpty().Select(c => (c.Year, c.Units.Value)), compiled.BaseYear, years, before: 0);
        var local = StepPath(plant.LocalContent.OrEmpty().Select(c => (c.Year, c.Value.Value)), compiled.BaseYear, years,
            before: plant.AssemblyMode == GoodsForm.Cbu ? 1 : 0);
        var powertrains = new bool[Data.Powertrains.Count];
        foreach (var p in plant.Powertrains.OrEmpty())
        {
            powertrains[(int)p] = true;
        }
        bool[]? serves = null;
        if (!plant.ServesMarkets.IsDefaultOrEmpty)
        {
            serves = new bool[compiled.Ordered.Markets.Length];
            var names = plant.ServesMarkets.ToHashSet(StringComparer.Ordinal);
            foreach (var market in compiled.Ordered.Markets)
            {
                var index2 = compiled.MarketIndex[market.Id];
                serves[index2] = names.Contains(market.Id) || names.Contains(market.Region)
                    || (market.CustomsUnion is { } union && names.Contains(union)) || plant.Market == market.Id;
            }
        }
        var marketIndex = plant.Market is { } m ? compiled.MarketIndex[m] : -1;
        return new PlantInfo(index, plant.Id, plant.Name, brand, plant.Country, compiled.RegionIndex[plant.Region], marketIndex,
            powertrains, plant.Start, plant.End, capacity, plant.UnitCostIndex.Value, plant.AssemblyMode, local, serves);
    }

    /// <summary>A yearly path from points: each point holds until the next; before the first point, <paramref name="before"/> (or the first value for years before the base).</summary>
    internal static double[] StepPath(IEnumerable<(int Year, double Value)> points, int baseYear, int years, double before)
    {
        var ordered = points.OrderBy(p => p.Year).ToList();
        var path = new double[years];
        for (var i = 0; i < years; i++)
        {
            var year = baseYear + i;
            var value = before;
            foreach (var (pointYear, pointValue) in ordered)
            {
                if (pointYear <= year)
                {
                    value = pointValue;
                }
            }
            path[i] = value;
        }
        return path;
    }
}
