using System.Collections.Immutable;
using NevGrains.Model.Data;
using NevGrains.Model.Parameters;
using NevGrains.Model.Scenarios;

namespace NevGrains.Model.Engine;

/// <summary>
/// A scenario's levers applied to the compiled baseline: yearly paths per market, alternative and plant that the engine
/// reads. Built once per evaluation; index 0 of every year axis is the base year.
/// </summary>
internal sealed class ScenarioInputs
{
    public required CompiledBaseline Compiled { get; init; }
    public required ModelParameters Parameters { get; init; }
    public required int Horizon { get; init; }
    public required TariffBook Tariffs { get; init; }
    /// <summary>
    /// The dataset's trade rules without the scenario's tariff levers, for the scenario's plants: the regime an offer new to a market
    /// is priced against (docs/model.md, section 4.2), so a tariff lever passes through from the offer's first year. The same book as
    /// <see cref="Tariffs"/> when the scenario has no tariff lever.
    /// </summary>
    public required TariffBook ReferenceTariffs { get; init; }
    public required PlantInfo[] Plants { get; init; }
    public required MarketInputs[] Markets { get; init; }
    public required double[] PackPrice { get; init; }
    public required ImmutableArray<ExportRestrictionLever> Restrictions { get; init; }

    /// <summary>Years from the base year to the horizon.</summary>
    public int Years => Horizon - Compiled.BaseYear + 1;

    public static ScenarioInputs Build(CompiledBaseline compiled, Scenario scenario, ModelParameters parameters, TariffBook? baseTariffs)
    {
        var horizon = ScenarioValidator.HorizonOf(scenario, compiled);
        var years = horizon - compiled.BaseYear + 1;
        var levers = scenario.LeverList;

        var plants = BuildPlants(compiled, levers, years);
        var origin = parameters[ParameterId.OriginLocalContent];
        // The baseline's book serves whenever neither tariff levers nor the plants' origins differ from it.
        var samePlants = !levers.Any(l => l is NewPlantLever or PlantLever { LocalContent.IsDefaultOrEmpty: false })
                         && origin == ModelParameters.Default[ParameterId.OriginLocalContent];
        TariffBook Book(IReadOnlyCollection<Lever> bookLevers) => baseTariffs is not null && samePlants && !bookLevers.Any(TariffBook.IsTariffLever)
            ? baseTariffs
            : new TariffBook(compiled, bookLevers, plants, origin, compiled.BaseTariffs);
        var tariffs = Book(levers);
        var referenceTariffs = levers.Any(TariffBook.IsTariffLever) ? Book([.. levers.Where(l => !TariffBook.IsTariffLever(l))]) : tariffs;

        var pack = new double[years];
        pack[0] = parameters[ParameterId.PackPrice2025];
        var batteryLevers = levers.OfType<BatteryCostLever>().OrderBy(l => l.FromYear).ToList();
        for (var y = 1; y < years; y++)
        {
            var year = compiled.BaseYear + y;
            var set = batteryLevers.LastOrDefault(l => l.FromYear == year);
            pack[y] = set?.PackPriceUsdPerKwh ?? pack[y - 1] * (1 + parameters[ParameterId.PackPriceTrend]);
        }

        // Without levers the market inputs depend only on the horizon and the competitor response: reuse them.
        var markets = levers.IsEmpty
            ? compiled.BaseMarketInputs(years, parameters[ParameterId.CompetitorResponse])
            : BuildMarkets(compiled, levers, years, parameters);

        return new ScenarioInputs
        {
            Compiled = compiled,
            Parameters = parameters,
            Horizon = horizon,
            Tariffs = tariffs,
            ReferenceTariffs = referenceTariffs,
            Plants = plants,
            Markets = markets,
            PackPrice = pack,
            Restrictions = [.. levers.OfType<ExportRestrictionLever>()],
        };
    }

    internal static MarketInputs[] BuildMarkets(CompiledBaseline compiled, ImmutableArray<Lever> levers, int years, ModelParameters parameters)
    {
        var markets = new MarketInputs[compiled.Markets.Length];
        for (var m = 0; m < markets.Length; m++)
        {
            markets[m] = MarketInputs.Build(compiled, compiled.Markets[m], levers, years, parameters);
        }
        return markets;
    }

    private static PlantInfo[] BuildPlants(CompiledBaseline compiled, ImmutableArray<Lever> levers, int years)
    {
        var plants = compiled.Plants.Select(p => p with { Capacity = p.Capacity[..years], LocalContent = p.LocalContent[..years] }).ToList();
        foreach (var lever in levers.OfType<NewPlantLever>())
        {
            var data = new Plant(lever.Id, lever.Name ?? lever.Id, lever.Country, lever.Region,
                lever.Powertrains.IsDefaultOrEmpty ? [.. Powertrains.All] : lever.Powertrains, PlantStatus.Planned, lever.Start,
                [.. lever.Capacity.Select(c => new CapacityPoint(c.Year, DataPoint.Assumed(c.Value, "vehicles/year", "scenario")))],
                DataPoint.Assumed(lever.UnitCostIndex, "ratio", "scenario"), lever.Market, null, lever.AssemblyMode,
                [.. lever.LocalContent.OrEmpty().Select(c => new YearValue(c.Year, DataPoint.Assumed(c.Value, "share", "scenario")))],
                lever.ServesMarkets);
            var info = PlantInfo.From(data, plants.Count, compiled.BrandIndex[lever.Brand], compiled);
            var capacity = info.Capacity[..years];
            ApplyStart(capacity, lever.Start, compiled.BaseYear);
            plants.Add(info with { Capacity = capacity, LocalContent = info.LocalContent[..years] });
        }

        foreach (var lever in levers.OfType<PlantLever>())
        {
            var index = compiled.PlantIndex[lever.Plant];
            var plant = plants[index];
            var capacity = (double[])plant.Capacity.Clone();
            if (lever.StartDelayMonths != 0)
            {
                var delay = lever.StartDelayMonths / 12.0;
                var original = (double[])capacity.Clone();
                for (var y = 1; y < years; y++)
                {
                    var source = Math.Clamp(y - delay, 0, years - 1);
                    var lo = (int)Math.Floor(source);
                    var hi = Math.Min(lo + 1, years - 1);
                    capacity[y] = original[lo] + (original[hi] - original[lo]) * (source - lo);
                }
            }
            for (var y = 1; y < years; y++)
            {
                capacity[y] *= lever.CapacityScale;
            }
            foreach (var point in lever.Capacity.OrEmpty().OrderBy(p => p.Year))
            {
                for (var y = Math.Max(1, point.Year - compiled.BaseYear); y < years; y++)
                {
                    capacity[y] = point.Value;
                }
            }
            if (lever.HaltFrom is { } halt)
            {
                for (var y = 1; y < years; y++)
                {
                    capacity[y] *= 1 - YearDates.ShareOfYear(compiled.BaseYear + y, halt, null);
                }
            }
            var local = (double[])plant.LocalContent.Clone();
            foreach (var point in lever.LocalContent.OrEmpty().OrderBy(p => p.Year))
            {
                for (var y = Math.Max(1, point.Year - compiled.BaseYear); y < years; y++)
                {
                    local[y] = point.Value;
                }
            }
            var powertrains = plant.Powertrains;
            if (!lever.Powertrains.IsDefaultOrEmpty)
            {
                powertrains = new bool[Powertrains.Count];
                foreach (var p in lever.Powertrains)
                {
                    powertrains[(int)p] = true;
                }
            }
            plants[index] = plant with { Capacity = capacity, LocalContent = local, Powertrains = powertrains };
        }

        // A plant's own end date (Tychy) stops it regardless of levers.
        for (var i = 0; i < plants.Count; i++)
        {
            if (plants[i].End is { } end)
            {
                var capacity = (double[])plants[i].Capacity.Clone();
                for (var y = 1; y < years; y++)
                {
                    capacity[y] *= 1 - YearDates.ShareOfYear(compiled.BaseYear + y, end, null);
                }
                plants[i] = plants[i] with { Capacity = capacity };
            }
        }
        return [.. plants];
    }

    private static void ApplyStart(double[] capacity, DateOnly start, int baseYear)
    {
        for (var y = 0; y < capacity.Length; y++)
        {
            capacity[y] *= YearDates.ShareOfYear(baseYear + y, start, null);
        }
    }
}

/// <summary>One market's yearly inputs after levers.</summary>
internal sealed class MarketInputs
{
    public required double[] Growth { get; init; }
    public required double[] Shock { get; init; }
    public required double[] Chargers { get; init; }
    /// <summary>[year, powertrain] utility shift from preference levers.</summary>
    public required double[,] Preference { get; init; }
    public required double[] CompetitorResponse { get; init; }
    /// <summary>[year, slot, powertrain]: competitor price multiplier (competitors) or brand price multiplier (brands).</summary>
    public required double[,,] PriceMultiplier { get; init; }
    /// <summary>[year, slot]: NaN unless a lever sets the pass-through.</summary>
    public required double[,] PassThrough { get; init; }
    /// <summary>[year, slot]: share of the year the alternative is on sale.</summary>
    public required double[,] Presence { get; init; }
    /// <summary>[slot, powertrain]: offered at some point within the horizon.</summary>
    public required bool[,] Offered { get; init; }
    /// <summary>[year, slot, powertrain]: offered in that year (entry powertrains, new offers).</summary>
    public required bool[,,] OfferedInYear { get; init; }
    public required double[,] Stores { get; init; }
    public required double[,] ServicePoints { get; init; }
    public required double[,] SwapStations { get; init; }
    /// <summary>[year, slot, powertrain]: China home price in USD of the representative model (brands).</summary>
    public required double[,,] HomePriceUsd { get; init; }
    public required double[,,] RangeKm { get; init; }
    public required double[,,] BatteryKwh { get; init; }
    /// <summary>[year, powertrain]: purchase-tax rate averaged over the year.</summary>
    public required double[,] PurchaseTax { get; init; }
    public required ImmutableArray<Incentive> Incentives { get; init; }
    public required ImmutableArray<OffsetRule> OffsetRules { get; init; }

    public static MarketInputs Build(CompiledBaseline compiled, MarketInfo market, ImmutableArray<Lever> levers, int years, ModelParameters parameters)
    {
        var baseYear = compiled.BaseYear;
        var slots = market.Alternatives.Length;
        bool Covers(ImmutableArray<string> markets) => markets.IsDefaultOrEmpty || markets.Contains(market.Id);

        var growth = new double[years];
        var shock = new double[years];
        for (var y = 1; y < years; y++)
        {
            growth[y] = market.Growth;
        }
        foreach (var lever in levers.OfType<MarketGrowthLever>().Where(l => Covers(l.Markets)))
        {
            for (var y = lever.FromYear - baseYear; y < years; y++)
            {
                growth[y] = lever.Growth;
            }
        }
        foreach (var lever in levers.OfType<DemandShockLever>().Where(l => Covers(l.Markets)))
        {
            shock[lever.Year - baseYear] = (1 + shock[lever.Year - baseYear]) * (1 + lever.Shock) - 1;
        }

        var chargers = ChargerPath(market, levers.OfType<ChargersLever>().Where(l => l.Market == market.Id).OrderBy(l => l.Year).ToList(), baseYear, years);

        var preference = new double[years, Powertrains.Count];
        foreach (var lever in levers.OfType<PreferenceLever>().Where(l => Covers(l.Markets)))
        {
            for (var y = lever.FromYear - baseYear; y < years; y++)
            {
                preference[y, (int)lever.Powertrain] += lever.Shift + lever.YearlyChange * (y - (lever.FromYear - baseYear));
            }
        }

        var response = new double[years];
        Array.Fill(response, parameters[ParameterId.CompetitorResponse]);
        foreach (var lever in levers.OfType<CompetitorResponseLever>().Where(l => Covers(l.Markets)))
        {
            for (var y = lever.FromYear - baseYear; y < years; y++)
            {
                response[y] = lever.Share;
            }
        }

        var priceMultiplier = new double[years, slots, Powertrains.Count];
        var passThrough = new double[years, slots];
        var presence = new double[years, slots];
        var offered = new bool[slots, Powertrains.Count];
        var offeredInYear = new bool[years, slots, Powertrains.Count];
        var stores = new double[years, slots];
        var service = new double[years, slots];
        var swaps = new double[years, slots];
        var home = new double[years, slots, Powertrains.Count];
        var range = new double[years, slots, Powertrains.Count];
        var kwh = new double[years, slots, Powertrains.Count];

        for (var s = 0; s < slots; s++)
        {
            var alt = market.Alternatives[s];
            var brand = alt.IsBrand ? compiled.Brands[alt.Owner] : null;
            var exit = alt.IsBrand
                ? levers.OfType<MarketExitLever>().Where(l => l.Brand == alt.OwnerId && l.Market == market.Id).Select(l => (DateOnly?)l.From).Min()
                : null;
            var entry = alt.IsBrand
                ? levers.OfType<MarketEntryLever>().LastOrDefault(l => l.Brand == alt.OwnerId && l.Market == market.Id)
                : null;
            var entered = alt.Entered;
            if (entry is not null && (entered is null || entry.Entered < entered))
            {
                entered = entry.Entered;
            }
            for (var y = 0; y < years; y++)
            {
                passThrough[y, s] = double.NaN;
                presence[y, s] = entered is { } e ? YearDates.ShareOfYear(baseYear + y, e, exit) : 0;
                if (y == 0)
                {
                    presence[y, s] = alt.BaseUnits.Sum() > 0 || !alt.IsBrand ? 1 : presence[y, s];
                }
                stores[y, s] = alt.Stores[y];
                service[y, s] = alt.ServicePoints[y];
                swaps[y, s] = alt.SwapStations[y];
                foreach (var powertrain in Powertrains.All)
                {
                    var k = (int)powertrain;
                    priceMultiplier[y, s, k] = 1;
                    range[y, s, k] = alt.RangeKm[k];
                    kwh[y, s, k] = alt.BatteryKwh[k];
                    if (brand?.Offer(powertrain) is { } offer)
                    {
                        home[y, s, k] = offer.HomePriceUsd;
                    }
                    var entryAllows = entry is null || entry.Powertrains.IsDefaultOrEmpty || entry.Powertrains.Contains(powertrain) || alt.Offered[k];
                    offeredInYear[y, s, k] = (alt.Offered[k] || (entry is not null && home[y, s, k] > 0 && entryAllows)) && presence[y, s] > 0;
                }
            }
            if (entry is not null)
            {
                var from = Math.Max(1, entry.Entered.Year - baseYear);
                for (var y = from; y < years; y++)
                {
                    stores[y, s] = Math.Max(stores[y, s], entry.Stores);
                    service[y, s] = Math.Max(service[y, s], entry.ServicePoints ?? entry.Stores);
                    swaps[y, s] = Math.Max(swaps[y, s], entry.SwapStations ?? 0);
                }
            }
        }

        foreach (var lever in levers)
        {
            switch (lever)
            {
                case PriceLever l when Covers(l.Markets) && compiled.BrandIndex.TryGetValue(l.Brand, out var b):
                    for (var y = l.FromYear - baseYear; y < years; y++)
                    {
                        foreach (var p in Powertrains.All.Where(p => l.Powertrains.IsDefaultOrEmpty || l.Powertrains.Contains(p)))
                        {
                            priceMultiplier[y, b, (int)p] *= 1 + l.Change;
                        }
                    }
                    break;
                case CompetitorPriceLever l when Covers(l.Markets):
                    for (var s = compiled.Brands.Length; s < slots; s++)
                    {
                        if (!l.Competitors.IsDefaultOrEmpty && !l.Competitors.Contains(market.Alternatives[s].OwnerId))
                        {
                            continue;
                        }
                        for (var y = l.FromYear - baseYear; y < years; y++)
                        {
                            foreach (var p in Powertrains.All.Where(p => l.Powertrains.IsDefaultOrEmpty || l.Powertrains.Contains(p)))
                            {
                                priceMultiplier[y, s, (int)p] *= 1 + l.Change;
                            }
                        }
                    }
                    break;
                case PassThroughLever l when Covers(l.Markets):
                    for (var s = 0; s < compiled.Brands.Length; s++)
                    {
                        if (l.Brands.IsDefaultOrEmpty || l.Brands.Contains(market.Alternatives[s].OwnerId))
                        {
                            for (var y = l.FromYear - baseYear; y < years; y++)
                            {
                                passThrough[y, s] = l.Value;
                            }
                        }
                    }
                    break;
                case OfferLever l when Covers(l.Markets) && compiled.BrandIndex.TryGetValue(l.Brand, out var b2):
                    var k2 = (int)l.Powertrain;
                    var usdPerCny = compiled.Dataset.Manifest.Currencies.First(c => c.Code == "CNY").UsdPerUnit.Value;
                    for (var y = l.FromYear - baseYear; y < years; y++)
                    {
                        if (l.HomePriceCny is { } price)
                        {
                            home[y, b2, k2] = price * usdPerCny;
                        }
                        if (l.RangeKm is { } r)
                        {
                            range[y, b2, k2] = r;
                        }
                        if (l.BatteryKwh is { } kw)
                        {
                            kwh[y, b2, k2] = kw;
                        }
                        offeredInYear[y, b2, k2] = presence[y, b2] > 0 && home[y, b2, k2] > 0;
                    }
                    break;
                case StoresLever l when l.Market == market.Id && compiled.BrandIndex.TryGetValue(l.Brand, out var b3):
                    if (l.Stores is { } st)
                    {
                        Reshape(stores, b3, l.Year - baseYear, st, years);
                    }
                    if (l.ServicePoints is { } sp)
                    {
                        Reshape(service, b3, l.Year - baseYear, sp, years);
                    }
                    break;
                case SwapStationsLever l when l.Market == market.Id && compiled.BrandIndex.TryGetValue(l.Brand, out var b4):
                    Reshape(swaps, b4, l.Year - baseYear, l.Stations, years);
                    break;
            }
        }

        for (var s = 0; s < slots; s++)
        {
            for (var k = 0; k < Powertrains.Count; k++)
            {
                for (var y = 0; y < years; y++)
                {
                    offered[s, k] |= offeredInYear[y, s, k];
                }
            }
        }

        var purchaseTax = new double[years, Powertrains.Count];
        var taxLevers = levers.OfType<PurchaseTaxLever>().Where(l => l.Market == market.Id).ToList();
        for (var y = 0; y < years; y++)
        {
            foreach (var powertrain in Powertrains.All)
            {
                var total = 0.0;
                foreach (var date in YearDates.QuarterMidpoints(baseYear + y))
                {
                    var lever = taxLevers.LastOrDefault(l => (l.Powertrains.IsDefaultOrEmpty || l.Powertrains.Contains(powertrain))
                                                             && l.From <= date && (l.To is null || date < l.To));
                    total += lever?.Rate ?? market.PurchaseTaxes.Where(t => t.Powertrains.Contains(powertrain) && t.ValidFrom <= date && (t.ValidTo is null || date < t.ValidTo))
                        .Sum(t => t.Rate.Value);
                }
                purchaseTax[y, (int)powertrain] = total / 4;
            }
        }

        var incentives = market.Incentives.ToBuilder();
        foreach (var lever in levers.OfType<IncentiveLever>().Where(l => l.Market == market.Id))
        {
            incentives.Add(lever.Incentive);
        }
        foreach (var lever in levers.OfType<IncentiveRemovalLever>().Where(l => l.Market == market.Id))
        {
            for (var i = 0; i < incentives.Count; i++)
            {
                if (incentives[i].Id == lever.Incentive && (incentives[i].ValidTo is null || incentives[i].ValidTo > lever.From))
                {
                    incentives[i] = incentives[i] with { ValidTo = lever.From > incentives[i].ValidFrom ? lever.From : incentives[i].ValidFrom.AddDays(1) };
                }
            }
        }
        var offsets = market.OffsetRules.ToBuilder();
        foreach (var lever in levers.OfType<OffsetRuleLever>().Where(l => l.Market == market.Id))
        {
            offsets.Add(new OffsetRule("scenario", lever.Label ?? "scenario offset rule",
                DataPoint.Assumed(lever.LocalUnitsPerImport, "ratio", "scenario"), lever.From, lever.To, lever.Brands));
        }

        return new MarketInputs
        {
            Growth = growth,
            Shock = shock,
            Chargers = chargers,
            Preference = preference,
            CompetitorResponse = response,
            PriceMultiplier = priceMultiplier,
            PassThrough = passThrough,
            Presence = presence,
            Offered = offered,
            OfferedInYear = offeredInYear,
            Stores = stores,
            ServicePoints = service,
            SwapStations = swaps,
            HomePriceUsd = home,
            RangeKm = range,
            BatteryKwh = kwh,
            PurchaseTax = purchaseTax,
            Incentives = incentives.ToImmutable(),
            OffsetRules = offsets.ToImmutable(),
        };
    }

    /// <summary>Chargers at the end of each year: baseline growth, levels and growth rates set by levers in year order.</summary>
    private static double[] ChargerPath(MarketInfo market, List<ChargersLever> levers, int baseYear, int years)
    {
        var path = new double[years];
        path[0] = market.Chargers;
        var growth = market.ChargerGrowth;
        var anchor = 0;
        for (var y = 1; y < years; y++)
        {
            path[y] = path[y - 1] * (1 + growth);
        }
        foreach (var lever in levers)
        {
            var at = lever.Year - baseYear;
            if (lever.Points is { } points)
            {
                // Geometric interpolation from the previous anchor to the new level.
                var start = Math.Max(path[anchor], 1);
                for (var y = anchor + 1; y <= at; y++)
                {
                    path[y] = start * Math.Pow(Math.Max(points, 1) / start, (y - anchor) / (double)(at - anchor));
                }
                path[at] = points;
                anchor = at;
            }
            if (lever.Growth is { } g)
            {
                growth = g;
            }
            for (var y = at + 1; y < years; y++)
            {
                path[y] = path[y - 1] * (1 + growth);
            }
        }
        return path;
    }

    /// <summary>Sets a path to <paramref name="value"/> from year index <paramref name="at"/> on: the level is reached by the end of that year.</summary>
    private static void Reshape(double[,] path, int slot, int at, double value, int years)
    {
        for (var y = at; y < years; y++)
        {
            path[y, slot] = value;
        }
    }
}
