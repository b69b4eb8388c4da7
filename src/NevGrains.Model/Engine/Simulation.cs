using System.Collections.Immutable;
using NevGrains.Model.Data;
using NevGrains.Model.Parameters;
using NevGrains.Model.Results;
using NevGrains.Model.Scenarios;

namespace NevGrains.Model.Engine;

/// <summary>
/// One run of the model over the years of a scenario. The base year reproduces the data (constants are calibrated to it);
/// each later year grows the market, advances diffusion and familiarity, and solves the price-demand-allocation fixed point.
/// See docs/model.md for the equations.
/// </summary>
internal sealed class Simulation
{
    private const int Bev = (int)Powertrain.Bev;
    private const int Phev = (int)Powertrain.Phev;
    private const int Other = (int)Powertrain.Other;
    private const int K = Powertrains.Count;

    /// <summary>Largest relative price change between iterations at which a year counts as solved.</summary>
    private const double ConvergenceTolerance = 1e-3;

    private readonly ScenarioInputs _in;
    private readonly CompiledBaseline _c;
    private readonly ModelParameters _p;
    private readonly int _years;
    private readonly int _brands;
    private readonly double[]? _growthOffset;
    private readonly MarketState[] _markets;
    private readonly List<RouteCell>[] _cellsByBrand;
    private readonly double[][] _plantUnits;
    private readonly double[] _capacityScratch;
    private readonly double[] _loadScratch;
    private readonly double[] _quotaFill;
    private readonly double[] _quotaEligibleUnits;
    private readonly double[] _quotaEligibleValue;
    private readonly int _chinaRegion;

    private readonly double[] _alpha = new double[K];
    private readonly double _lambda;
    private readonly double _passThroughHigh;
    private readonly double _passThroughLow;
    private readonly double _distribution;
    private readonly double _minMargin;
    private readonly double _homeCost;
    private readonly double _fobMarkup;
    private readonly double _damping;
    private readonly int _maxIterations;

    private int _iterations;
    private double _maxResidual;
    private int _notConverged;

    public Simulation(ScenarioInputs inputs, double[]? growthOffset)
    {
        _in = inputs;
        _c = inputs.Compiled;
        _p = inputs.Parameters;
        _years = inputs.Years;
        _brands = _c.Brands.Length;
        _growthOffset = growthOffset;
        _alpha[Bev] = _p[ParameterId.PriceCoefficientBev];
        _alpha[Phev] = _p[ParameterId.PriceCoefficientPhev];
        _alpha[Other] = _p[ParameterId.PriceCoefficientOther];
        _lambda = _p[ParameterId.NestingLambda];
        _passThroughHigh = _p[ParameterId.PassThroughEurope];
        _passThroughLow = _p[ParameterId.PassThroughEmerging];
        _distribution = _p[ParameterId.DistributionShare];
        _minMargin = _p[ParameterId.MinMarginShare];
        _homeCost = _p[ParameterId.HomeCostRatio];
        _fobMarkup = _p[ParameterId.ExportFobMarkup];
        _damping = _p[ParameterId.SolverDamping];
        _maxIterations = (int)Math.Round(_p[ParameterId.SolverIterations]);
        _chinaRegion = _c.RegionIndex.TryGetValue("china", out var china) ? china : 0;

        _markets = new MarketState[_c.Markets.Length];
        for (var m = 0; m < _markets.Length; m++)
        {
            _markets[m] = new MarketState(_c.Markets[m], inputs.Markets[m]);
        }
        _cellsByBrand = new List<RouteCell>[_brands];
        for (var b = 0; b < _brands; b++)
        {
            _cellsByBrand[b] = [];
        }
        foreach (var market in _markets)
        {
            for (var b = 0; b < _brands; b++)
            {
                foreach (var powertrain in Powertrains.All)
                {
                    if (!market.In.Offered[b, (int)powertrain])
                    {
                        continue;
                    }
                    var plants = inputs.Plants.Where(p => p.Brand == b && p.Powertrains[(int)powertrain] && Reachable(p, market.Info)).ToArray();
                    var cell = new RouteCell(market.Info.Index, b, powertrain, plants);
                    for (var r = 0; r < plants.Length; r++)
                    {
                        cell.Local[r] = _c.IsDomestic(market.Info, plants[r].Country);
                    }
                    market.Cells[b, (int)powertrain] = cell;
                    _cellsByBrand[b].Add(cell);
                }
            }
        }
        _plantUnits = new double[inputs.Plants.Length][];
        for (var i = 0; i < _plantUnits.Length; i++)
        {
            _plantUnits[i] = new double[_years];
        }
        _capacityScratch = new double[inputs.Plants.Length];
        _loadScratch = new double[inputs.Plants.Length];
        _quotaFill = new double[inputs.Tariffs.Quotas.Count];
        _quotaEligibleUnits = new double[_quotaFill.Length];
        _quotaEligibleValue = new double[_quotaFill.Length];
        Array.Fill(_quotaFill, 1.0);
    }

    private bool Reachable(PlantInfo plant, MarketInfo market) =>
        (plant.Serves is null || plant.Serves[market.Index])
        && (plant.Market == market.Index || !double.IsNaN(_c.Freight[plant.Region, market.Region]));

    public ScenarioResult Execute(string scenarioName)
    {
        Calibrate();
        var cells = ImmutableArray.CreateBuilder<CellResult>();
        var marketResults = ImmutableArray.CreateBuilder<MarketYearResult>();
        CollectYear(0, cells, marketResults);
        for (var y = 1; y < _years; y++)
        {
            AdvanceStates(y);
            SolveYear(y);
            CollectYear(y, cells, marketResults);
        }
        return new ScenarioResult(scenarioName, _c.Version, _c.BaseYear, _in.Horizon, cells.ToImmutable(), marketResults.ToImmutable(),
            BrandTotals(cells), PlantResults(), new SolverDiagnostics(_iterations, _maxResidual, _notConverged));
    }

    // ---------------------------------------------------------------- base year

    /// <summary>Allocates base-year sales to plants, then solves constants so the base year reproduces the data exactly.</summary>
    private void Calibrate()
    {
        foreach (var market in _markets)
        {
            market.Size = market.Info.BaseSales;
            market.SizeBase = market.Size;
            for (var s = 0; s < market.Slots; s++)
            {
                var alt = market.Info.Alternatives[s];
                for (var k = 0; k < K; k++)
                {
                    market.Demand[s, k] = alt.BaseUnits[k];
                    market.Supplied[s, k] = alt.BaseUnits[k];
                    if (s < _brands && market.Cells[s, k] is { } cell)
                    {
                        cell.Demand = alt.BaseUnits[k];
                    }
                }
            }
        }

        // Routes and landed costs for the base year; quotas are settled in a second pass.
        for (var pass = 0; pass < 2; pass++)
        {
            ComputeRouteCosts(0);
            AllocateAll(0, enforceCapacity: false);
            UpdateQuotaFill();
        }
        ComputeRouteCosts(0);
        AllocateAll(0, enforceCapacity: false);

        foreach (var market in _markets)
        {
            var info = market.Info;
            for (var s = 0; s < market.Slots; s++)
            {
                var alt = info.Alternatives[s];
                for (var k = 0; k < K; k++)
                {
                    market.NetPrice[s, k] = market.BasePrice[s, k];
                    market.ReferencePrice[s, k] = market.BasePrice[s, k];
                    if (s < _brands && market.Cells[s, k] is { } cell && alt.BaseUnits[k] > 0)
                    {
                        // Offers that did not sell in the base year get their references when they first go on sale.
                        var landed = cell.Weighted(cell.Landed);
                        cell.ReferenceLanded = landed;
                        cell.ReferenceCostIndex = cell.Plants.Length == 0 ? 1 : Weighted(cell, r => cell.Plants[r].UnitCostIndex);
                        cell.ReferenceHomeUsd = market.In.HomePriceUsd[0, s, k];
                        var basePrice = market.BasePrice[s, k];
                        var margin = basePrice > 0 ? (basePrice * (1 - _distribution) - landed) / basePrice : 0;
                        market.MarginFloor[s, k] = Math.Min(_minMargin, margin);
                    }
                }
                if (alt.IsBrand && alt.Entered is { } entered && alt.PresentInBaseline)
                {
                    var years = Math.Max(0, (new DateOnly(_c.BaseYear + 1, 1, 1).DayNumber - entered.DayNumber) / 365.25);
                    market.Familiarity[s] = 1 - Math.Pow(1 - _p[ParameterId.OriginPenaltyDecay], years);
                }
            }
            ConsumerPrices(market, 0);

            // Reference price per nest: sales-weighted base consumer price.
            for (var k = 0; k < K; k++)
            {
                double units = 0, value = 0, offered = 0, sum = 0;
                for (var s = 0; s < market.Slots; s++)
                {
                    if (!market.In.Offered[s, k] && info.Alternatives[s].BaseUnits[k] <= 0)
                    {
                        continue;
                    }
                    var price = market.ConsumerPrice[s, k];
                    if (price <= 0)
                    {
                        continue;
                    }
                    units += info.Alternatives[s].BaseUnits[k];
                    value += info.Alternatives[s].BaseUnits[k] * price;
                    offered++;
                    sum += price;
                }
                market.ReferenceConsumerPrice[k] = units > 0 ? value / units : offered > 0 ? sum / offered : 1;
            }

            // Constants: within a nest, V_j = lambda x ln(s_j|k) reproduces the shares and sets each inclusive value to 0;
            // the nest constants are then the log nest shares.
            for (var k = 0; k < K; k++)
            {
                var volume = 0.0;
                for (var s = 0; s < market.Slots; s++)
                {
                    volume += info.Alternatives[s].BaseUnits[k];
                }
                market.NestOn[k] = volume > 0;
                if (!market.NestOn[k])
                {
                    continue;
                }
                market.BaseAsc[k] = Math.Log(volume / market.Size);
                for (var s = 0; s < market.Slots; s++)
                {
                    var units = info.Alternatives[s].BaseUnits[k];
                    if (units > 0)
                    {
                        market.Xi[s, k] = _lambda * Math.Log(units / volume) - Utility(market, s, k, 0, withConstant: false);
                        market.Calibrated[s, k] = true;
                    }
                }
            }

            // Diffusion state: the adoption path starts at the observed share, under a ceiling that never sits below it.
            var density = ChargerDensity(market, 0);
            market.DensityBase = density;
            for (var k = Bev; k <= Phev; k++)
            {
                var share = info.BaseShare[k];
                market.AdoptionBase[k] = Math.Clamp(share, 1e-6, 0.999);
                var ceiling = Ceiling(k, density, 1);
                market.CeilingScale[k] = Math.Max(1, market.AdoptionBase[k] / (0.99 * ceiling));
                market.Adoption[k] = market.AdoptionBase[k];
            }
            for (var k = 0; k < K; k++)
            {
                market.Asc[k] = market.BaseAsc[k];
            }
            market.GapBase[Bev] = market.GapPrevious[Bev] = PriceGap(market, Bev);
            market.GapBase[Phev] = market.GapPrevious[Phev] = PriceGap(market, Phev);
        }
        EntrantConstants();
        RecordPlantUnits(0);
    }

    /// <summary>
    /// Constants for offers with no base-year sales (entries, new powertrains): the nest's mean constant, plus the brand's
    /// mean position relative to the nests where it does sell, plus the entrant offset.
    /// </summary>
    private void EntrantConstants()
    {
        var offset = _p[ParameterId.NewEntrantOffset];
        var nestMean = new double[_markets.Length, K];
        for (var m = 0; m < _markets.Length; m++)
        {
            var market = _markets[m];
            for (var k = 0; k < K; k++)
            {
                double sum = 0;
                var n = 0;
                for (var s = 0; s < market.Slots; s++)
                {
                    if (market.Calibrated[s, k])
                    {
                        sum += market.Xi[s, k];
                        n++;
                    }
                }
                nestMean[m, k] = n > 0 ? sum / n : 0;
            }
        }
        var relative = new double[_brands, K];
        var relativeAny = new double[_brands];
        for (var b = 0; b < _brands; b++)
        {
            double any = 0;
            var anyCount = 0;
            for (var k = 0; k < K; k++)
            {
                double sum = 0;
                var n = 0;
                for (var m = 0; m < _markets.Length; m++)
                {
                    if (_markets[m].Calibrated[b, k])
                    {
                        sum += _markets[m].Xi[b, k] - nestMean[m, k];
                        n++;
                    }
                }
                relative[b, k] = n > 0 ? sum / n : double.NaN;
                if (n > 0)
                {
                    any += relative[b, k];
                    anyCount++;
                }
            }
            relativeAny[b] = anyCount > 0 ? any / anyCount : 0;
        }
        for (var m = 0; m < _markets.Length; m++)
        {
            var market = _markets[m];
            for (var s = 0; s < market.Slots; s++)
            {
                for (var k = 0; k < K; k++)
                {
                    if (market.Calibrated[s, k] || !market.In.Offered[s, k])
                    {
                        continue;
                    }
                    var brandPart = s < _brands ? (double.IsNaN(relative[s, k]) ? relativeAny[s] : relative[s, k]) : 0;
                    market.Xi[s, k] = nestMean[m, k] + brandPart + offset;
                }
            }
        }
    }

    // ---------------------------------------------------------------- years after the base

    private void AdvanceStates(int y)
    {
        var decay = _p[ParameterId.OriginPenaltyDecay];
        var storesBoost = _p[ParameterId.FamiliarityStoresBoost];
        foreach (var market in _markets)
        {
            var inputs = market.In;
            var growth = inputs.Growth[y] + (_growthOffset?[market.Info.Index] ?? 0);
            market.Size = Math.Max(1, market.Size * (1 + growth) * (1 + inputs.Shock[y]));

            var density = ChargerDensity(market, y);
            var ratio = (density + 1) / (market.DensityBase + 1);
            for (var k = Bev; k <= Phev; k++)
            {
                if (!market.NestOn[k])
                {
                    continue;
                }
                var p = k == Bev ? _p[ParameterId.BassPBev] : _p[ParameterId.BassPPhev];
                var q = k == Bev ? _p[ParameterId.BassQBev] : _p[ParameterId.BassQPhev];
                var speed = Math.Exp(-_p[ParameterId.PriceGapSensitivity] * (market.GapPrevious[k] - market.GapBase[k]));
                if (k == Bev)
                {
                    speed *= Math.Pow(ratio, _p[ParameterId.ChargerSpeedElasticity]);
                }
                // Bass with a moving market potential (Mahajan & Peterson): the gap to today's ceiling closes at p + q x (A / ceiling).
                var ceiling = Ceiling(k, density, market.CeilingScale[k]);
                var adoption = market.Adoption[k];
                var rate = Math.Min(1, (p + q * adoption / ceiling) * speed);
                adoption = Math.Clamp(adoption + rate * (ceiling - adoption), 1e-6, 0.999);
                market.Adoption[k] = adoption;
                market.Asc[k] = market.BaseAsc[k] + _p[ParameterId.AscWeight] * (Logit(adoption) - Logit(market.AdoptionBase[k])) + inputs.Preference[y, k];
            }
            market.Asc[Other] = market.BaseAsc[Other] + inputs.Preference[y, Other];

            for (var s = 0; s < _brands; s++)
            {
                var presence = inputs.Presence[y, s];
                if (presence <= 0)
                {
                    continue;
                }
                var rate = Math.Min(0.95, decay + storesBoost * Math.Log(1 + StoreDensity(market, inputs.Stores[y, s])));
                market.Familiarity[s] = 1 - (1 - market.Familiarity[s]) * (1 - rate * presence);
            }
        }
    }

    private void SolveYear(int y)
    {
        ComputeRouteCosts(y);
        PrepareUtilities(y);
        foreach (var market in _markets)
        {
            UpdateChineseMoves(market);
            for (var s = 0; s < market.Slots; s++)
            {
                for (var k = 0; k < K; k++)
                {
                    market.NetPrice[s, k] = TargetPrice(market, s, k, y);
                }
            }
        }

        var converged = false;
        for (var iteration = 0; iteration < _maxIterations; iteration++)
        {
            _iterations++;
            foreach (var market in _markets)
            {
                ConsumerPrices(market, y);
                Demand(market, y);
            }
            AllocateAll(y, enforceCapacity: true);
            UpdateQuotaFill();
            RefreshQuotaDuties();

            var residual = 0.0;
            foreach (var market in _markets)
            {
                UpdateChineseMoves(market);
                for (var s = 0; s < market.Slots; s++)
                {
                    for (var k = 0; k < K; k++)
                    {
                        if (!market.In.OfferedInYear[y, s, k])
                        {
                            continue;
                        }
                        var target = TargetPrice(market, s, k, y);
                        var current = market.NetPrice[s, k];
                        residual = Math.Max(residual, Math.Abs(target - current) / Math.Max(current, 1));
                        market.NextPrice[s, k] = current + _damping * (target - current);
                    }
                }
            }
            if (residual < ConvergenceTolerance || iteration == _maxIterations - 1)
            {
                _maxResidual = Math.Max(_maxResidual, residual);
                converged = residual < ConvergenceTolerance;
                break;
            }
            if (iteration < _maxIterations - 1)
            {
                foreach (var market in _markets)
                {
                    Array.Copy(market.NextPrice, market.NetPrice, market.NetPrice.Length);
                }
            }
        }
        if (!converged)
        {
            _notConverged++;
        }
        Ration(y);
        foreach (var market in _markets)
        {
            market.GapPrevious[Bev] = PriceGap(market, Bev);
            market.GapPrevious[Phev] = PriceGap(market, Phev);
        }
        RecordPlantUnits(y);
    }

    // ---------------------------------------------------------------- costs and prices

    private void ComputeRouteCosts(int y)
    {
        var pack = _in.PackPrice[y] - _in.PackPrice[0];
        foreach (var market in _markets)
        {
            var info = market.Info;
            for (var b = 0; b < _brands; b++)
            {
                for (var k = 0; k < K; k++)
                {
                    if (market.Cells[b, k] is not { } cell)
                    {
                        continue;
                    }
                    var home = market.In.HomePriceUsd[y, b, k];
                    var kwh = market.In.BatteryKwh[y, b, k];
                    var brand = _c.Brands[b];
                    for (var r = 0; r < cell.Plants.Length; r++)
                    {
                        var plant = cell.Plants[r];
                        var unit = home / (1 + CompiledBaseline.ChinaVat) * _homeCost * plant.UnitCostIndex + kwh * pack;
                        double freight, customs;
                        DutyPlan plan;
                        if (plant.Market == info.Index)
                        {
                            plan = _in.Tariffs.Plan(brand, plant, info, cell.Powertrain, y);
                            var imported = plan.IsFree ? 0 : 1 - plant.LocalContent[y];
                            freight = imported * Freight(_chinaRegion, info.Region);
                            customs = unit * imported * (1 + _fobMarkup) + freight;
                        }
                        else
                        {
                            plan = _in.Tariffs.Plan(brand, plant, info, cell.Powertrain, y);
                            freight = Freight(plant.Region, info.Region);
                            customs = unit * (1 + _fobMarkup) + freight;
                        }
                        var (duty, mip) = plan.Evaluate(customs, _quotaFill);
                        cell.Plans[r] = plan;
                        cell.UnitCost[r] = unit;
                        cell.Freight[r] = freight;
                        cell.CustomsValue[r] = customs;
                        cell.Duty[r] = duty;
                        cell.MinImportPrice[r] = mip;
                        cell.Extra[r] = plant.IsInChina ? RestrictionCost(b, info, cell.Powertrain, y) : 0;
                        cell.Landed[r] = unit + freight + duty + cell.Extra[r];
                        cell.HasQuota |= !plan.IsFree && plan.HasQuota;
                    }
                    cell.SortRoutes();
                }
            }
        }
    }

    /// <summary>Within a year only quota fills change duties: re-evaluate just the routes that draw on a quota.</summary>
    private void RefreshQuotaDuties()
    {
        if (_quotaFill.Length == 0)
        {
            return;
        }
        foreach (var cells in _cellsByBrand)
        {
            foreach (var cell in cells)
            {
                if (!cell.HasQuota)
                {
                    continue;
                }
                for (var r = 0; r < cell.Plants.Length; r++)
                {
                    var (duty, mip) = cell.Plans[r].Evaluate(cell.CustomsValue[r], _quotaFill);
                    cell.Duty[r] = duty;
                    cell.MinImportPrice[r] = mip;
                    cell.Landed[r] = cell.UnitCost[r] + cell.Freight[r] + duty + cell.Extra[r];
                }
                cell.SortRoutes();
            }
        }
    }

    private double Freight(int from, int to)
    {
        var cost = _c.Freight[from, to];
        return double.IsNaN(cost) ? 0 : cost;
    }

    private double RestrictionCost(int brand, MarketInfo market, Powertrain powertrain, int y)
    {
        var total = 0.0;
        foreach (var lever in _in.Restrictions)
        {
            if (lever.CostPerVehicleUsd > 0 && Covers(lever, brand, market, powertrain))
            {
                total += lever.CostPerVehicleUsd * YearDates.ShareOfYear(_c.BaseYear + y, lever.From, lever.To);
            }
        }
        return total;
    }

    private bool Covers(ExportRestrictionLever lever, int brand, MarketInfo market, Powertrain powertrain) =>
        (lever.Brands.IsDefaultOrEmpty || lever.Brands.Contains(_c.Brands[brand].Id))
        && (lever.Markets.IsDefaultOrEmpty || lever.Markets.Contains(market.Id))
        && (lever.Powertrains.IsDefaultOrEmpty ? powertrain == Powertrain.Bev : lever.Powertrains.Contains(powertrain));

    /// <summary>
    /// The price an alternative aims at this year. Brands: the reference price (base price adjusted for product changes and price
    /// levers) plus the pass-through of the landed-cost change, floored so the margin stays above the minimum. Competitors: the base
    /// price with their levers, their response to the Chinese brands' price moves and the battery-cost trend.
    /// </summary>
    private double TargetPrice(MarketState market, int s, int k, int y)
    {
        var inputs = market.In;
        if (!inputs.OfferedInYear[y, s, k])
        {
            return market.NetPrice[s, k];
        }
        var multiplier = inputs.PriceMultiplier[y, s, k];
        if (s >= _brands)
        {
            var theta = market.Info.HighMargin ? _passThroughHigh : _passThroughLow;
            var battery = inputs.BatteryKwh[y, s, k] * (_in.PackPrice[y] - _in.PackPrice[0]);
            var response = inputs.CompetitorResponse[y] * market.ChineseMove[k];
            return Math.Max(0.2 * market.BasePrice[s, k], market.BasePrice[s, k] * multiplier * (1 + response) + theta * battery);
        }

        var cell = market.Cells[s, k]!;
        var home = inputs.HomePriceUsd[y, s, k];
        double reference;
        if (cell.ReferenceHomeUsd > 0)
        {
            reference = market.BasePrice[s, k] * home / cell.ReferenceHomeUsd;
        }
        else
        {
            // An offer new to this market: priced as the market prices this brand's cars (a known price, else home price x price
            // index), with the landed cost of its first available route as the reference.
            var baseHome = inputs.HomePriceUsd[0, s, k];
            reference = baseHome > 0 && market.BasePrice[s, k] > 0 ? market.BasePrice[s, k] * home / baseHome : home * market.Info.PriceIndex;
            cell.ReferenceHomeUsd = home;
            market.BasePrice[s, k] = reference;
            var first = CheapestAvailableRoute(cell, y);
            cell.ReferenceLanded = first < 0 ? cell.Weighted(cell.Landed) : cell.Landed[first];
            cell.ReferenceCostIndex = first < 0 ? 1 : cell.Plants[first].UnitCostIndex;
            market.MarginFloor[s, k] = _minMargin;
        }
        market.ReferencePrice[s, k] = reference;
        var landed = cell.Weighted(cell.Landed);
        var productChange = (home - cell.ReferenceHomeUsd) / (1 + CompiledBaseline.ChinaVat) * _homeCost * cell.ReferenceCostIndex;
        var referenceLanded = cell.ReferenceLanded + productChange;
        var passThrough = inputs.PassThrough[y, s];
        if (double.IsNaN(passThrough))
        {
            passThrough = market.Info.HighMargin ? _passThroughHigh : _passThroughLow;
        }
        var price = reference * multiplier + passThrough * (landed - referenceLanded);
        var floor = landed / Math.Max(0.05, 1 - _distribution - market.MarginFloor[s, k]);
        var mip = cell.Weighted(cell.MinImportPrice);
        if (mip > 0)
        {
            floor = Math.Max(floor, (mip + cell.Weighted(cell.Duty)) / (1 - _distribution));
        }
        return Math.Max(price, floor);
    }

    /// <summary>Refreshes each nest's Chinese price move before competitors set their prices.</summary>
    private void UpdateChineseMoves(MarketState market)
    {
        for (var k = 0; k < K; k++)
        {
            market.ChineseMove[k] = ChineseMove(market, k);
        }
    }

    /// <summary>The cheapest route whose plant can build this year (-1 if none).</summary>
    private int CheapestAvailableRoute(RouteCell cell, int y)
    {
        foreach (var route in cell.Order)
        {
            if (_in.Plants[cell.Plants[route].Index].Capacity[y] > 0)
            {
                return route;
            }
        }
        return -1;
    }

    /// <summary>The Chinese brands' average relative price move in a nest (demand-weighted), which competitors partly match.</summary>
    private double ChineseMove(MarketState market, int k)
    {
        double weight = 0, move = 0;
        for (var s = 0; s < _brands; s++)
        {
            var reference = market.ReferencePrice[s, k];
            if (reference <= 0 || market.Demand[s, k] <= 0)
            {
                continue;
            }
            weight += market.Demand[s, k];
            move += market.Demand[s, k] * (market.NetPrice[s, k] / reference - 1);
        }
        return weight > 0 ? move / weight : 0;
    }

    /// <summary>What a buyer pays: net price plus purchase tax and VAT, minus the subsidies the offer qualifies for.</summary>
    private void ConsumerPrices(MarketState market, int y)
    {
        var info = market.Info;
        var inputs = market.In;
        for (var s = 0; s < market.Slots; s++)
        {
            for (var k = 0; k < K; k++)
            {
                if (!inputs.OfferedInYear[y, s, k] && !(y == 0 && info.Alternatives[s].BaseUnits[k] > 0))
                {
                    continue;
                }
                var gross = market.NetPrice[s, k] * (1 + inputs.PurchaseTax[y, k]) * (1 + info.Vat);
                var localShare = s < _brands ? market.Cells[s, k]?.LocalShare ?? 0 : 1;
                var subsidy = Subsidy(market, s, k, y, gross, localShare);
                market.ConsumerPrice[s, k] = Math.Max(0.05 * gross, gross - subsidy);
            }
        }
    }

    private double Subsidy(MarketState market, int s, int k, int y, double grossUsd, double localShare)
    {
        var info = market.Info;
        var inputs = market.In;
        var powertrain = (Powertrain)k;
        var isChineseBrand = s < _brands && _c.Brands[s].IsChinese;
        var total = 0.0;
        foreach (var incentive in inputs.Incentives)
        {
            if (!incentive.Powertrains.Contains(powertrain) || (incentive.ChineseBrandsExcluded && isChineseBrand))
            {
                continue;
            }
            var kwh = inputs.BatteryKwh[y, s, k];
            if ((incentive.MinBatteryKwh is { } min && kwh < min) || (incentive.MaxBatteryKwh is { } max && kwh >= max))
            {
                continue;
            }
            if (incentive.MaxPrice is { } cap && grossUsd / info.UsdPerLocal > cap.Value)
            {
                continue;
            }
            var share = YearDates.ShareOfYear(_c.BaseYear + y, incentive.ValidFrom, incentive.ValidTo);
            if (share <= 0)
            {
                continue;
            }
            total += incentive.Amount.Value * info.UsdPerLocal * share * (incentive.LocalOnly ? localShare : 1);
        }
        return total;
    }

    // ---------------------------------------------------------------- demand

    /// <summary>Systematic utility of an alternative (see docs/model.md, brand choice).</summary>
    private double Utility(MarketState market, int s, int k, int y, bool withConstant)
    {
        var price = market.ConsumerPrice[s, k];
        var v = _alpha[k] * Math.Log(Math.Max(price, 1) / market.ReferenceConsumerPrice[k]) + StaticUtility(market, s, k, y);
        return withConstant ? v + market.Xi[s, k] : v;
    }

    /// <summary>Everything in the utility but price and constant; fixed within a year, so computed once per year.</summary>
    private void PrepareUtilities(int y)
    {
        foreach (var market in _markets)
        {
            for (var s = 0; s < market.Slots; s++)
            {
                for (var k = 0; k < K; k++)
                {
                    market.StaticUtility[s, k] = market.In.OfferedInYear[y, s, k] ? StaticUtility(market, s, k, y) + market.Xi[s, k] : 0;
                }
            }
        }
    }

    private double StaticUtility(MarketState market, int s, int k, int y)
    {
        var inputs = market.In;
        var v = 0.0;
        if (k == Bev)
        {
            v += _p[ParameterId.RangeCoefficient] * Math.Log(Math.Max(inputs.RangeKm[y, s, k], 50) / 400.0);
        }
        if (s < _brands)
        {
            v += _p[ParameterId.StoresCoefficient] * Math.Log(1 + StoreDensity(market, inputs.Stores[y, s]));
            v += _p[ParameterId.ServiceCoefficient] * Math.Log(1 + StoreDensity(market, inputs.ServicePoints[y, s]));
            if (k == Bev)
            {
                v += _p[ParameterId.SwapCoefficient] * Math.Log(1 + inputs.SwapStations[y, s]);
            }
            if (_c.Brands[s].IsChinese)
            {
                v += _p[ParameterId.OriginPenalty] * (1 - market.Familiarity[s]);
            }
        }
        return v;
    }

    private double StoreDensity(MarketState market, double stores) => stores / Math.Max(market.Size / 10_000, 1e-3);

    /// <summary>Nested logit: within-nest weights exp(V/lambda) scaled by presence, nest utility = constant + lambda x inclusive value.</summary>
    private void Demand(MarketState market, int y)
    {
        var inputs = market.In;
        Span<double> nestUtility = stackalloc double[K];
        Span<double> nestSum = stackalloc double[K];
        var maxNest = double.NegativeInfinity;
        for (var k = 0; k < K; k++)
        {
            nestSum[k] = 0;
            nestUtility[k] = double.NegativeInfinity;
            if (!market.NestOn[k])
            {
                continue;
            }
            for (var s = 0; s < market.Slots; s++)
            {
                var presence = inputs.Presence[y, s];
                if (!inputs.OfferedInYear[y, s, k] || presence <= 0)
                {
                    market.Weight[s, k] = 0;
                    continue;
                }
                var utility = _alpha[k] * Math.Log(Math.Max(market.ConsumerPrice[s, k], 1) / market.ReferenceConsumerPrice[k]) + market.StaticUtility[s, k];
                var w = presence * Math.Exp(utility / _lambda);
                market.Weight[s, k] = w;
                nestSum[k] += w;
            }
            if (nestSum[k] > 0)
            {
                nestUtility[k] = market.Asc[k] + _lambda * Math.Log(nestSum[k]);
                maxNest = Math.Max(maxNest, nestUtility[k]);
            }
        }
        var denominator = 0.0;
        for (var k = 0; k < K; k++)
        {
            if (nestSum[k] > 0)
            {
                denominator += Math.Exp(nestUtility[k] - maxNest);
            }
        }
        for (var k = 0; k < K; k++)
        {
            var nestShare = nestSum[k] > 0 ? Math.Exp(nestUtility[k] - maxNest) / denominator : 0;
            for (var s = 0; s < market.Slots; s++)
            {
                var demand = nestSum[k] > 0 ? market.Size * nestShare * market.Weight[s, k] / nestSum[k] : 0;
                market.Demand[s, k] = demand;
                market.Supplied[s, k] = demand;
                if (s < _brands && market.Cells[s, k] is { } cell)
                {
                    cell.Demand = demand;
                    cell.UnitRevenue = market.NetPrice[s, k] * (1 - _distribution);
                }
            }
        }
    }

    // ---------------------------------------------------------------- supply

    private void AllocateAll(int y, bool enforceCapacity)
    {
        for (var i = 0; i < _in.Plants.Length; i++)
        {
            _capacityScratch[i] = enforceCapacity ? _in.Plants[i].Capacity[y] : Math.Max(_in.Plants[i].Capacity[y], 0);
        }
        for (var b = 0; b < _brands; b++)
        {
            var cells = _cellsByBrand[b];
            if (cells.Count == 0)
            {
                continue;
            }
            Allocation.Allocate(cells, _capacityScratch, CapsFor(b, y), _loadScratch);
            if (!enforceCapacity)
            {
                // The base year is history: what capacity data cannot explain still came from the cheapest route.
                foreach (var cell in cells)
                {
                    if (cell.Unmet > 0 && cell.Plants.Length > 0)
                    {
                        cell.Units[cell.Order[0]] += cell.Unmet;
                        cell.Unmet = 0;
                    }
                }
            }
        }
        if (enforceCapacity)
        {
            ApplyOffsetRules(y);
        }
        foreach (var market in _markets)
        {
            for (var b = 0; b < _brands; b++)
            {
                for (var k = 0; k < K; k++)
                {
                    if (market.Cells[b, k] is { } cell)
                    {
                        market.Supplied[b, k] = cell.Supplied;
                    }
                }
            }
        }
    }

    private IReadOnlyList<CapGroup> CapsFor(int brand, int y)
    {
        if (_in.Restrictions.IsDefaultOrEmpty)
        {
            return [];
        }
        var caps = new List<CapGroup>();
        foreach (var lever in _in.Restrictions)
        {
            if (lever.CapUnits is not { } cap || (!lever.Brands.IsDefaultOrEmpty && !lever.Brands.Contains(_c.Brands[brand].Id)))
            {
                continue;
            }
            var share = YearDates.ShareOfYear(_c.BaseYear + y, lever.From, lever.To);
            if (share <= 0)
            {
                continue;
            }
            // Over a partial year, the cap binds for that part: units outside it stay free.
            var scope = lever;
            caps.Add(new CapGroup(cap * share + double.Epsilon, cell => Covers(scope, cell.Brand, _c.Markets[cell.Market], cell.Powertrain)));
        }
        return caps;
    }

    /// <summary>
    /// Local-production offsets (Thailand EV3.5): a brand may import at most (cars its plants in the country built) / ratio;
    /// imports beyond that are lost to the market's other alternatives.
    /// </summary>
    private void ApplyOffsetRules(int y)
    {
        foreach (var market in _markets)
        {
            var rules = market.In.OffsetRules;
            if (rules.IsDefaultOrEmpty)
            {
                continue;
            }
            for (var b = 0; b < _brands; b++)
            {
                var ratio = 0.0;
                ImmutableArray<Powertrain> powertrains = default;
                foreach (var rule in rules)
                {
                    var share = YearDates.ShareOfYear(_c.BaseYear + y, rule.ValidFrom, rule.ValidTo);
                    if (share > 0 && (rule.Brands.IsDefaultOrEmpty || rule.Brands.Contains(_c.Brands[b].Id)) && rule.LocalUnitsPerImport.Value * share > ratio)
                    {
                        ratio = rule.LocalUnitsPerImport.Value * share;
                        powertrains = rule.Powertrains;
                    }
                }
                if (ratio <= 0)
                {
                    continue;
                }
                var built = 0.0;
                foreach (var cell in _cellsByBrand[b])
                {
                    for (var r = 0; r < cell.Plants.Length; r++)
                    {
                        if (cell.Plants[r].Country == market.Info.Country)
                        {
                            built += cell.Units[r];
                        }
                    }
                }
                var imports = 0.0;
                for (var k = 0; k < K; k++)
                {
                    if (market.Cells[b, k] is { } cell && (powertrains.IsDefaultOrEmpty || powertrains.Contains((Powertrain)k)))
                    {
                        for (var r = 0; r < cell.Plants.Length; r++)
                        {
                            imports += cell.Local[r] ? 0 : cell.Units[r];
                        }
                    }
                }
                var allowed = built / ratio;
                if (imports <= allowed + 1e-9)
                {
                    continue;
                }
                var keep = allowed / imports;
                for (var k = 0; k < K; k++)
                {
                    if (market.Cells[b, k] is { } cell && (powertrains.IsDefaultOrEmpty || powertrains.Contains((Powertrain)k)))
                    {
                        for (var r = 0; r < cell.Plants.Length; r++)
                        {
                            if (!cell.Local[r])
                            {
                                cell.Unmet += cell.Units[r] * (1 - keep);
                                cell.Units[r] *= keep;
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>Quota fill per quota: the share of eligible imports the quota covers this year.</summary>
    private void UpdateQuotaFill()
    {
        if (_quotaFill.Length == 0)
        {
            return;
        }
        Array.Clear(_quotaEligibleUnits);
        Array.Clear(_quotaEligibleValue);
        foreach (var cells in _cellsByBrand)
        {
            foreach (var cell in cells)
            {
                for (var r = 0; r < cell.Plants.Length; r++)
                {
                    if (cell.Units[r] <= 0 || cell.Plans[r] is not { IsFree: false } plan)
                    {
                        continue;
                    }
                    foreach (var key in plan.QuotaKeys)
                    {
                        _quotaEligibleUnits[key] += cell.Units[r];
                        _quotaEligibleValue[key] += cell.Units[r] * cell.CustomsValue[r];
                    }
                }
            }
        }
        foreach (var quota in _in.Tariffs.Quotas)
        {
            var units = _quotaEligibleUnits[quota.Key];
            if (units <= 0)
            {
                _quotaFill[quota.Key] = 1;
                continue;
            }
            // Plans already restrict a quota rule to the quarters it is in force; the yearly amount is the quota's.
            var averageValue = _quotaEligibleValue[quota.Key] / units;
            var capacity = quota.UnitsPerYear + (averageValue > 0 ? quota.ValueUsdPerYear / averageValue : 0);
            _quotaFill[quota.Key] = Math.Clamp(capacity / units, 0, 1);
        }
    }

    /// <summary>
    /// Unmet demand (capacity, offsets, export caps) goes to the alternatives that still have supply, in proportion to their choice
    /// probabilities: brands take what their spare capacity allows, competitors the rest.
    /// </summary>
    private void Ration(int y)
    {
        for (var i = 0; i < _in.Plants.Length; i++)
        {
            _loadScratch[i] = 0;
        }
        foreach (var cells in _cellsByBrand)
        {
            foreach (var cell in cells)
            {
                for (var r = 0; r < cell.Plants.Length; r++)
                {
                    _loadScratch[cell.Plants[r].Index] += cell.Units[r];
                }
            }
        }
        foreach (var market in _markets)
        {
            var unmet = 0.0;
            for (var b = 0; b < _brands; b++)
            {
                for (var k = 0; k < K; k++)
                {
                    if (market.Cells[b, k] is { Unmet: > 0 } cell)
                    {
                        unmet += cell.Unmet;
                        market.Unmet[b, k] = cell.Unmet;
                    }
                    else
                    {
                        market.Unmet[b, k] = 0;
                    }
                }
            }
            if (unmet <= 0)
            {
                continue;
            }
            // Choice probabilities without the constrained alternatives.
            var total = 0.0;
            for (var s = 0; s < market.Slots; s++)
            {
                for (var k = 0; k < K; k++)
                {
                    var open = s >= _brands || market.Unmet[s, k] <= 0;
                    market.Redistribution[s, k] = open ? market.Demand[s, k] : 0;
                    total += market.Redistribution[s, k];
                }
            }
            if (total <= 0)
            {
                continue;
            }
            var toCompetitors = 0.0;
            for (var s = 0; s < market.Slots; s++)
            {
                for (var k = 0; k < K; k++)
                {
                    var extra = unmet * market.Redistribution[s, k] / total;
                    if (extra <= 0)
                    {
                        continue;
                    }
                    if (s >= _brands)
                    {
                        market.Supplied[s, k] += extra;
                        continue;
                    }
                    var cell = market.Cells[s, k]!;
                    var placed = 0.0;
                    for (var p = 0; p < cell.Order.Length && placed < extra; p++)
                    {
                        var route = cell.Order[p];
                        var plant = cell.Plants[route].Index;
                        var spare = Math.Max(0, _in.Plants[plant].Capacity[y] - _loadScratch[plant]);
                        var take = Math.Min(spare, extra - placed);
                        cell.Units[route] += take;
                        _loadScratch[plant] += take;
                        placed += take;
                    }
                    market.Supplied[s, k] = cell.Supplied;
                    toCompetitors += extra - placed;
                }
            }
            if (toCompetitors > 0)
            {
                var competitorTotal = 0.0;
                for (var s = _brands; s < market.Slots; s++)
                {
                    for (var k = 0; k < K; k++)
                    {
                        competitorTotal += market.Redistribution[s, k];
                    }
                }
                for (var s = _brands; s < market.Slots && competitorTotal > 0; s++)
                {
                    for (var k = 0; k < K; k++)
                    {
                        market.Supplied[s, k] += toCompetitors * market.Redistribution[s, k] / competitorTotal;
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- diffusion helpers

    private double ChargerDensity(MarketState market, int y) => market.In.Chargers[y] / Math.Max(market.Size / 1000, 1e-3);

    private double Ceiling(int k, double density, double scale) => k == Bev
        ? Math.Min(0.999, _p[ParameterId.CeilingBev] * (1 - Math.Exp(-density / _p[ParameterId.ChargerScale])) * scale)
        : Math.Min(0.999, _p[ParameterId.CeilingPhev] * scale);

    private static double Logit(double x) => Math.Log(x / (1 - x));

    /// <summary>Relative gap between a plug-in nest's average buyer price and the petrol nest's, weighted by what sold.</summary>
    private static double PriceGap(MarketState market, int k)
    {
        var plug = AveragePrice(market, k);
        var petrol = AveragePrice(market, Other);
        return plug > 0 && petrol > 0 ? plug / petrol - 1 : 0;
    }

    private static double AveragePrice(MarketState market, int k)
    {
        double units = 0, value = 0;
        for (var s = 0; s < market.Slots; s++)
        {
            units += market.Supplied[s, k];
            value += market.Supplied[s, k] * market.ConsumerPrice[s, k];
        }
        return units > 0 ? value / units : market.ReferenceConsumerPrice[k];
    }

    private static double Weighted(RouteCell cell, Func<int, double> value)
    {
        var total = cell.Supplied;
        if (total <= 0)
        {
            return value(cell.Order[0]);
        }
        var sum = 0.0;
        for (var r = 0; r < cell.Plants.Length; r++)
        {
            sum += value(r) * cell.Units[r];
        }
        return sum / total;
    }

    // ---------------------------------------------------------------- results

    private void RecordPlantUnits(int y)
    {
        foreach (var cells in _cellsByBrand)
        {
            foreach (var cell in cells)
            {
                for (var r = 0; r < cell.Plants.Length; r++)
                {
                    _plantUnits[cell.Plants[r].Index][y] += cell.Units[r];
                }
            }
        }
    }

    private void CollectYear(int y, ImmutableArray<CellResult>.Builder cells, ImmutableArray<MarketYearResult>.Builder markets)
    {
        var year = _c.BaseYear + y;
        foreach (var market in _markets)
        {
            var info = market.Info;
            double total = 0, bev = 0, phev = 0, chinese = 0, chineseNev = 0, tariff = 0;
            for (var s = 0; s < market.Slots; s++)
            {
                for (var k = 0; k < K; k++)
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
                var isBrand = s < _brands;
                if (units <= 0 && !(isBrand && market.In.Presence[y, s] > 0))
                {
                    continue;
                }
                double revenue = 0, margin = 0, duty = 0, local = 0, china = 0, chinaNev = 0, chinaBev = 0, utilisationWeight = 0, paid = 0, unmet = 0;
                for (var k = 0; k < K; k++)
                {
                    var sold = market.Supplied[s, k];
                    revenue += sold * market.NetPrice[s, k];
                    paid += sold * market.ConsumerPrice[s, k];
                    if (!isBrand || market.Cells[s, k] is not { } cell)
                    {
                        continue;
                    }
                    unmet += market.Unmet[s, k];
                    for (var r = 0; r < cell.Plants.Length; r++)
                    {
                        var routeUnits = cell.Units[r];
                        if (routeUnits <= 0)
                        {
                            continue;
                        }
                        duty += routeUnits * cell.Duty[r];
                        margin += routeUnits * (market.NetPrice[s, k] * (1 - _distribution) - cell.Landed[r]);
                        local += cell.Local[r] ? routeUnits : 0;
                        china += cell.Plants[r].IsInChina ? routeUnits : 0;
                        chinaNev += cell.Plants[r].IsInChina && k != Other ? routeUnits : 0;
                        chinaBev += cell.Plants[r].IsInChina && k == Bev ? routeUnits : 0;
                        var plant = _in.Plants[cell.Plants[r].Index];
                        var capacity = y == 0 ? Math.Max(plant.Capacity[0], _plantUnits[plant.Index][0]) : plant.Capacity[y];
                        utilisationWeight += routeUnits * (capacity > 0 ? _plantUnits[plant.Index][y] / capacity : 0);
                    }
                }
                if (isBrand && _c.Brands[s].IsChinese)
                {
                    chinese += units;
                    chineseNev += market.Supplied[s, Bev] + market.Supplied[s, Phev];
                }
                tariff += duty;
                cells.Add(new CellResult(alt.OwnerId, !isBrand, info.Id, year,
                    market.Supplied[s, Bev], market.Supplied[s, Phev], market.Supplied[s, Other],
                    total > 0 ? units / total : 0,
                    nev > 0 ? (market.Supplied[s, Bev] + market.Supplied[s, Phev]) / nev : 0,
                    units > 0 ? paid / units : 0,
                    revenue, isBrand ? margin : 0, duty,
                    units > 0 ? (isBrand ? local / units : 1) : 0,
                    units > 0 ? utilisationWeight / units : 0,
                    china, chinaNev, unmet, chinaBev));
            }
            markets.Add(new MarketYearResult(info.Id, year, total, bev, phev, chinese, chineseNev, market.In.Chargers[y], tariff));
        }
    }

    private ImmutableArray<BrandYearResult> BrandTotals(ImmutableArray<CellResult>.Builder cells)
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
        foreach (var brand in _c.Brands)
        {
            for (var y = 0; y < _years; y++)
            {
                var t = totals.GetValueOrDefault((brand.Id, _c.BaseYear + y)) ?? new double[9];
                builder.Add(new BrandYearResult(brand.Id, _c.BaseYear + y, t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8]));
            }
        }
        return builder.ToImmutable();
    }

    private ImmutableArray<PlantYearResult> PlantResults()
    {
        var builder = ImmutableArray.CreateBuilder<PlantYearResult>();
        foreach (var plant in _in.Plants)
        {
            for (var y = 0; y < _years; y++)
            {
                builder.Add(new PlantYearResult(plant.Id, _c.Brands[plant.Brand].Id, _c.BaseYear + y, _plantUnits[plant.Index][y], plant.Capacity[y]));
            }
        }
        return builder.ToImmutable();
    }
}

/// <summary>Per-market working state of a run.</summary>
internal sealed class MarketState
{
    private const int K = Powertrains.Count;

    public MarketState(MarketInfo info, MarketInputs inputs)
    {
        Info = info;
        In = inputs;
        Slots = info.Alternatives.Length;
        var brands = info.Alternatives.Count(a => a.IsBrand);
        Cells = new RouteCell?[brands, K];
        Familiarity = new double[Slots];
        Xi = new double[Slots, K];
        StaticUtility = new double[Slots, K];
        Calibrated = new bool[Slots, K];
        NetPrice = new double[Slots, K];
        NextPrice = new double[Slots, K];
        ReferencePrice = new double[Slots, K];
        MarginFloor = new double[Slots, K];
        ConsumerPrice = new double[Slots, K];
        Weight = new double[Slots, K];
        Demand = new double[Slots, K];
        Supplied = new double[Slots, K];
        Unmet = new double[Slots, K];
        Redistribution = new double[Slots, K];
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
    public RouteCell?[,] Cells { get; }

    public double Size { get; set; }
    public double SizeBase { get; set; }
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
    /// <summary>Per nest: the Chinese brands' relative price move this iteration.</summary>
    public double[] ChineseMove { get; } = new double[K];

    /// <summary>Brand familiarity per slot (origin penalty fades as it grows).</summary>
    public double[] Familiarity { get; }
    /// <summary>Net price (before VAT and purchase tax) the run anchors on; an offer new to the market gets its own at introduction.</summary>
    public double[,] BasePrice { get; }
    public double[,] Xi { get; }
    /// <summary>This year's utility without the price term (constant included).</summary>
    public double[,] StaticUtility { get; }
    public bool[,] Calibrated { get; }
    public double[,] NetPrice { get; }
    public double[,] NextPrice { get; }
    public double[,] ReferencePrice { get; }
    public double[,] MarginFloor { get; }
    public double[,] ConsumerPrice { get; }
    public double[,] Weight { get; }
    public double[,] Demand { get; }
    public double[,] Supplied { get; }
    public double[,] Unmet { get; }
    public double[,] Redistribution { get; }
}
