using System.Collections.Immutable;
using System.Globalization;
using NevGrains.Model.Data;
using NevGrains.Model.Experiments;
using NevGrains.Model.Results;
using NevGrains.Model.Scenarios;
using Wire = NevGrains.Api.V1;

namespace NevGrains.Gateway.Mapping;

/// <summary>
/// Turns API requests into model values. Shape problems (a missing lever kind, a malformed date, NaN) are collected with their
/// field path and thrown as one <see cref="ScenarioException"/>; the model's validator then checks ids, ranges and dates.
/// </summary>
internal sealed class RequestMapper
{
    private readonly List<ScenarioIssue> _issues = [];

    public static Scenario Scenario(Wire.Scenario? scenario, string path = "scenario")
    {
        var mapper = new RequestMapper();
        var result = mapper.MapScenario(scenario, path);
        mapper.ThrowIfInvalid();
        return result;
    }

    /// <summary>A result filter for the worker: empty lists keep everything.</summary>
    public static ResultFilter Filter(Wire.ResultFilter? filter) => filter is null
        ? ResultFilter.All
        : new ResultFilter([.. filter.Owners], [.. filter.Markets], [.. filter.Years], filter.BrandsOnly);

    public static ImmutableArray<MetricSpec> Metrics(IEnumerable<Wire.MetricSpec> metrics, string path)
    {
        var mapper = new RequestMapper();
        var result = mapper.MapMetrics(metrics, path);
        mapper.ThrowIfInvalid();
        return result;
    }

    public static MetricSpec Metric(Wire.MetricSpec? metric, string path)
    {
        var mapper = new RequestMapper();
        var result = mapper.MapMetric(metric, path);
        mapper.ThrowIfInvalid();
        return result;
    }

    public static SweepSpec Sweep(Wire.SweepSpec? sweep, string path)
    {
        var mapper = new RequestMapper();
        var result = mapper.MapSweep(sweep, path);
        mapper.ThrowIfInvalid();
        return result;
    }

    public static MonteCarloSpec MonteCarlo(Wire.MonteCarloSpec? spec, string path)
    {
        var mapper = new RequestMapper();
        var result = mapper.MapMonteCarlo(spec, path);
        mapper.ThrowIfInvalid();
        return result;
    }

    internal Scenario MapScenario(Wire.Scenario? scenario, string path)
    {
        if (scenario is null)
        {
            Issue(path, "missing");
            return Model.Scenarios.Scenario.Base();
        }
        var levers = ImmutableArray.CreateBuilder<Lever>(scenario.Levers.Count);
        for (var i = 0; i < scenario.Levers.Count; i++)
        {
            if (MapLever(scenario.Levers[i], $"{path}.levers[{i}]") is { } lever)
            {
                levers.Add(lever);
            }
        }
        var parameters = ImmutableDictionary.CreateBuilder<string, double>(StringComparer.Ordinal);
        foreach (var (name, value) in scenario.Parameters)
        {
            parameters[name] = Finite(value, $"{path}.parameters.{name}");
        }
        return new Scenario(
            string.IsNullOrEmpty(scenario.Name) ? "" : scenario.Name,
            levers.ToImmutable(),
            scenario.Horizon == 0 ? null : scenario.Horizon,
            parameters.Count == 0 ? null : parameters.ToImmutable(),
            string.IsNullOrEmpty(scenario.Description) ? null : scenario.Description);
    }

    private Lever? MapLever(Wire.Lever lever, string path)
    {
        Lever? mapped = lever.KindCase switch
        {
            Wire.Lever.KindOneofCase.Tariff => Map(lever.Tariff, $"{path}.tariff"),
            Wire.Lever.KindOneofCase.TariffRemoval => new TariffRemovalLever(lever.TariffRemoval.Jurisdiction, lever.TariffRemoval.Group,
                Date(lever.TariffRemoval.From, $"{path}.tariffRemoval.from"), [.. lever.TariffRemoval.Brands]),
            Wire.Lever.KindOneofCase.PriceUndertaking => new PriceUndertakingLever(lever.PriceUndertaking.Jurisdiction, lever.PriceUndertaking.Brand,
                Finite(lever.PriceUndertaking.MinImportPriceUsd, $"{path}.priceUndertaking.minImportPriceUsd"),
                Date(lever.PriceUndertaking.From, $"{path}.priceUndertaking.from"), OptionalDate(lever.PriceUndertaking.To, $"{path}.priceUndertaking.to"),
                lever.PriceUndertaking.HasQuotaUnits ? Finite(lever.PriceUndertaking.QuotaUnits, $"{path}.priceUndertaking.quotaUnits") : null,
                Powertrains(lever.PriceUndertaking.Powertrains, $"{path}.priceUndertaking.powertrains")),
            Wire.Lever.KindOneofCase.TariffExemption => new TariffExemptionLever(lever.TariffExemption.Jurisdiction, lever.TariffExemption.Brand,
                lever.TariffExemption.Exempt, Date(lever.TariffExemption.From, $"{path}.tariffExemption.from"),
                string.IsNullOrEmpty(lever.TariffExemption.Group) ? null : lever.TariffExemption.Group),
            Wire.Lever.KindOneofCase.Enrollment => new EnrollmentLever(lever.Enrollment.Jurisdiction, lever.Enrollment.Brand, lever.Enrollment.Rule,
                Date(lever.Enrollment.From, $"{path}.enrollment.from")),
            Wire.Lever.KindOneofCase.ExportRestriction => new ExportRestrictionLever(
                Date(lever.ExportRestriction.From, $"{path}.exportRestriction.from"), OptionalDate(lever.ExportRestriction.To, $"{path}.exportRestriction.to"),
                [.. lever.ExportRestriction.Brands], [.. lever.ExportRestriction.Markets],
                Powertrains(lever.ExportRestriction.Powertrains, $"{path}.exportRestriction.powertrains"),
                Finite(lever.ExportRestriction.CostPerVehicleUsd, $"{path}.exportRestriction.costPerVehicleUsd"),
                lever.ExportRestriction.HasCapUnits ? Finite(lever.ExportRestriction.CapUnits, $"{path}.exportRestriction.capUnits") : null),
            Wire.Lever.KindOneofCase.OffsetRule => new OffsetRuleLever(lever.OffsetRule.Market,
                Finite(lever.OffsetRule.LocalUnitsPerImport, $"{path}.offsetRule.localUnitsPerImport"),
                Date(lever.OffsetRule.From, $"{path}.offsetRule.from"), OptionalDate(lever.OffsetRule.To, $"{path}.offsetRule.to"), [.. lever.OffsetRule.Brands]),
            Wire.Lever.KindOneofCase.Price => new PriceLever(lever.Price.Brand, Finite(lever.Price.Change, $"{path}.price.change"), lever.Price.FromYear,
                [.. lever.Price.Markets], Powertrains(lever.Price.Powertrains, $"{path}.price.powertrains")),
            Wire.Lever.KindOneofCase.PassThrough => new PassThroughLever(Finite(lever.PassThrough.Value, $"{path}.passThrough.value"),
                lever.PassThrough.FromYear, [.. lever.PassThrough.Brands], [.. lever.PassThrough.Markets]),
            Wire.Lever.KindOneofCase.Incentive => Map(lever.Incentive, $"{path}.incentive"),
            Wire.Lever.KindOneofCase.IncentiveRemoval => new IncentiveRemovalLever(lever.IncentiveRemoval.Market, lever.IncentiveRemoval.Incentive,
                Date(lever.IncentiveRemoval.From, $"{path}.incentiveRemoval.from")),
            Wire.Lever.KindOneofCase.PurchaseTax => new PurchaseTaxLever(lever.PurchaseTax.Market, Finite(lever.PurchaseTax.Rate, $"{path}.purchaseTax.rate"),
                Date(lever.PurchaseTax.From, $"{path}.purchaseTax.from"), OptionalDate(lever.PurchaseTax.To, $"{path}.purchaseTax.to"),
                Powertrains(lever.PurchaseTax.Powertrains, $"{path}.purchaseTax.powertrains")),
            Wire.Lever.KindOneofCase.BatteryCost => new BatteryCostLever(lever.BatteryCost.FromYear,
                Finite(lever.BatteryCost.PackPriceUsdPerKwh, $"{path}.batteryCost.packPriceUsdPerKwh")),
            Wire.Lever.KindOneofCase.Offer => new OfferLever(lever.Offer.Brand, Powertrain(lever.Offer.Powertrain, $"{path}.offer.powertrain"),
                lever.Offer.FromYear, [.. lever.Offer.Markets],
                lever.Offer.HasHomePriceCny ? Finite(lever.Offer.HomePriceCny, $"{path}.offer.homePriceCny") : null,
                lever.Offer.HasRangeKm ? Finite(lever.Offer.RangeKm, $"{path}.offer.rangeKm") : null,
                lever.Offer.HasBatteryKwh ? Finite(lever.Offer.BatteryKwh, $"{path}.offer.batteryKwh") : null),
            Wire.Lever.KindOneofCase.Plant => new PlantLever(lever.Plant.Plant, lever.Plant.StartDelayMonths,
                lever.Plant.CapacityScale == 0 ? PlantLever.DefaultCapacityScale : Finite(lever.Plant.CapacityScale, $"{path}.plant.capacityScale"),
                YearAmounts(lever.Plant.Capacity, $"{path}.plant.capacity"), OptionalDate(lever.Plant.HaltFrom, $"{path}.plant.haltFrom"),
                YearAmounts(lever.Plant.LocalContent, $"{path}.plant.localContent"), Powertrains(lever.Plant.Powertrains, $"{path}.plant.powertrains")),
            Wire.Lever.KindOneofCase.NewPlant => new NewPlantLever(lever.NewPlant.Brand, lever.NewPlant.Id, lever.NewPlant.Country, lever.NewPlant.Region,
                Date(lever.NewPlant.Start, $"{path}.newPlant.start"), YearAmounts(lever.NewPlant.Capacity, $"{path}.newPlant.capacity"),
                string.IsNullOrEmpty(lever.NewPlant.Market) ? null : lever.NewPlant.Market,
                Powertrains(lever.NewPlant.Powertrains, $"{path}.newPlant.powertrains"),
                lever.NewPlant.UnitCostIndex == 0 ? NewPlantLever.DefaultUnitCostIndex : Finite(lever.NewPlant.UnitCostIndex, $"{path}.newPlant.unitCostIndex"),
                GoodsForm.Cbu, [], [.. lever.NewPlant.ServesMarkets], string.IsNullOrEmpty(lever.NewPlant.Name) ? null : lever.NewPlant.Name),
            Wire.Lever.KindOneofCase.Stores => new StoresLever(lever.Stores.Brand, lever.Stores.Market, lever.Stores.Year,
                lever.Stores.HasStores ? Finite(lever.Stores.Stores, $"{path}.stores.stores") : null,
                lever.Stores.HasServicePoints ? Finite(lever.Stores.ServicePoints, $"{path}.stores.servicePoints") : null),
            Wire.Lever.KindOneofCase.MarketEntry => new MarketEntryLever(lever.MarketEntry.Brand, lever.MarketEntry.Market,
                Date(lever.MarketEntry.Entered, $"{path}.marketEntry.entered"), Finite(lever.MarketEntry.Stores, $"{path}.marketEntry.stores"),
                lever.MarketEntry.HasServicePoints ? Finite(lever.MarketEntry.ServicePoints, $"{path}.marketEntry.servicePoints") : null,
                lever.MarketEntry.HasSwapStations ? Finite(lever.MarketEntry.SwapStations, $"{path}.marketEntry.swapStations") : null,
                Powertrains(lever.MarketEntry.Powertrains, $"{path}.marketEntry.powertrains")),
            Wire.Lever.KindOneofCase.MarketExit => new MarketExitLever(lever.MarketExit.Brand, lever.MarketExit.Market,
                Date(lever.MarketExit.From, $"{path}.marketExit.from")),
            Wire.Lever.KindOneofCase.Chargers => new ChargersLever(lever.Chargers.Market, lever.Chargers.Year,
                lever.Chargers.HasPoints ? Finite(lever.Chargers.Points, $"{path}.chargers.points") : null,
                lever.Chargers.HasGrowth ? Finite(lever.Chargers.Growth, $"{path}.chargers.growth") : null),
            Wire.Lever.KindOneofCase.SwapStations => new SwapStationsLever(lever.SwapStations.Brand, lever.SwapStations.Market, lever.SwapStations.Year,
                Finite(lever.SwapStations.Stations, $"{path}.swapStations.stations")),
            Wire.Lever.KindOneofCase.DemandShock => new DemandShockLever(lever.DemandShock.Year, Finite(lever.DemandShock.Shock, $"{path}.demandShock.shock"),
                [.. lever.DemandShock.Markets]),
            Wire.Lever.KindOneofCase.MarketGrowth => new MarketGrowthLever(lever.MarketGrowth.FromYear,
                Finite(lever.MarketGrowth.Growth, $"{path}.marketGrowth.growth"), [.. lever.MarketGrowth.Markets]),
            Wire.Lever.KindOneofCase.Preference => new PreferenceLever(Powertrain(lever.Preference.Powertrain, $"{path}.preference.powertrain"),
                Finite(lever.Preference.Shift, $"{path}.preference.shift"), lever.Preference.FromYear,
                Finite(lever.Preference.YearlyChange, $"{path}.preference.yearlyChange"), [.. lever.Preference.Markets]),
            Wire.Lever.KindOneofCase.CompetitorPrice => new CompetitorPriceLever(Finite(lever.CompetitorPrice.Change, $"{path}.competitorPrice.change"),
                lever.CompetitorPrice.FromYear, [.. lever.CompetitorPrice.Competitors], [.. lever.CompetitorPrice.Markets],
                Powertrains(lever.CompetitorPrice.Powertrains, $"{path}.competitorPrice.powertrains")),
            Wire.Lever.KindOneofCase.CompetitorResponse => new CompetitorResponseLever(Finite(lever.CompetitorResponse.Share, $"{path}.competitorResponse.share"),
                lever.CompetitorResponse.FromYear, [.. lever.CompetitorResponse.Markets]),
            _ => null,
        };
        if (mapped is null)
        {
            Issue(path, "no lever kind is set");
            return null;
        }
        return string.IsNullOrEmpty(lever.Label) ? mapped : mapped with { Label = lever.Label };
    }

    private TariffLever Map(Wire.TariffLever t, string path) =>
        new(t.Jurisdiction, Finite(t.Rate, $"{path}.rate"), Date(t.From, $"{path}.from"), OptionalDate(t.To, $"{path}.to"),
            [.. t.Origins], [.. t.Brands], Powertrains(t.Powertrains, $"{path}.powertrains"),
            t.HasMinPerUnitUsd ? Finite(t.MinPerUnitUsd, $"{path}.minPerUnitUsd") : null,
            t.Mode == Wire.TariffMode.Replace ? TariffMode.Replace : TariffMode.Add);

    private IncentiveLever Map(Wire.IncentiveLever i, string path) =>
        new(i.Market, new Incentive(i.Id, string.IsNullOrEmpty(i.Name) ? i.Id : i.Name, Powertrains(i.Powertrains, $"{path}.powertrains"),
            DataPoint.Assumed(Finite(i.Amount, $"{path}.amount"), "scenario", "scenario"),
            Date(i.ValidFrom, $"{path}.validFrom"), OptionalDate(i.ValidTo, $"{path}.validTo"),
            i.HasMaxPrice ? DataPoint.Assumed(Finite(i.MaxPrice, $"{path}.maxPrice"), "scenario", "scenario") : null,
            i.HasMinBatteryKwh ? Finite(i.MinBatteryKwh, $"{path}.minBatteryKwh") : null, null, i.LocalOnly, i.ChineseBrandsExcluded));

    internal ImmutableArray<MetricSpec> MapMetrics(IEnumerable<Wire.MetricSpec> metrics, string path) =>
        [.. metrics.Select((m, i) => MapMetric(m, $"{path}[{i}]"))];

    internal MetricSpec MapMetric(Wire.MetricSpec? metric, string path)
    {
        if (metric is null)
        {
            Issue(path, "missing");
            return new MetricSpec(MetricKind.Units, 0);
        }
        var kind = metric.Metric switch
        {
            Wire.MetricKind.Units => MetricKind.Units,
            Wire.MetricKind.NevUnits => MetricKind.NevUnits,
            Wire.MetricKind.BevUnits => MetricKind.BevUnits,
            Wire.MetricKind.Share => MetricKind.Share,
            Wire.MetricKind.NevShare => MetricKind.NevShare,
            Wire.MetricKind.Revenue => MetricKind.Revenue,
            Wire.MetricKind.GrossMargin => MetricKind.GrossMargin,
            Wire.MetricKind.TariffPaid => MetricKind.TariffPaid,
            Wire.MetricKind.ChinaBuiltUnits => MetricKind.ChinaBuiltUnits,
            Wire.MetricKind.ChinaBuiltBevUnits => MetricKind.ChinaBuiltBevUnits,
            Wire.MetricKind.LocallyBuiltShare => MetricKind.LocallyBuiltShare,
            Wire.MetricKind.AveragePrice => MetricKind.AveragePrice,
            _ => Invalid<MetricKind>($"{path}.metric", "set a metric kind"),
        };
        return new MetricSpec(kind, metric.Year, string.IsNullOrEmpty(metric.Owner) ? null : metric.Owner, [.. metric.Markets],
            string.IsNullOrEmpty(metric.Name) ? null : metric.Name);
    }

    internal SweepSpec MapSweep(Wire.SweepSpec? sweep, string path)
    {
        if (sweep is null)
        {
            Issue(path, "missing");
            return new SweepSpec(Model.Scenarios.Scenario.Base(), [], []);
        }
        return new SweepSpec(MapScenario(sweep.Scenario, $"{path}.scenario"),
            [.. sweep.Axes.Select((a, i) => new SweepAxis(a.Target, [.. a.Values.Select((v, j) => Finite(v, $"{path}.axes[{i}].values[{j}]"))]))],
            MapMetrics(sweep.Metrics, $"{path}.metrics"));
    }

    internal MonteCarloSpec MapMonteCarlo(Wire.MonteCarloSpec? spec, string path)
    {
        if (spec is null)
        {
            Issue(path, "missing");
            return new MonteCarloSpec(Model.Scenarios.Scenario.Base(), 0, 0, []);
        }
        return new MonteCarloSpec(MapScenario(spec.Scenario, $"{path}.scenario"), spec.Draws, spec.Seed, MapMetrics(spec.Metrics, $"{path}.metrics"),
            [.. spec.Parameters], !spec.FixedMarketGrowth,
            [.. spec.Thresholds.Select((t, i) => new Threshold(t.Metric, Finite(t.Value, $"{path}.thresholds[{i}].value"), !t.Below, t.OnDelta))]);
    }

    private ImmutableArray<YearAmount> YearAmounts(IEnumerable<Wire.YearAmount> points, string path) =>
        [.. points.Select((p, i) => new YearAmount(p.Year, Finite(p.Value, $"{path}[{i}].value")))];

    private ImmutableArray<Powertrain> Powertrains(IEnumerable<Wire.Powertrain> powertrains, string path) =>
        [.. powertrains.Select((p, i) => Powertrain(p, $"{path}[{i}]"))];

    private Powertrain Powertrain(Wire.Powertrain powertrain, string path) => powertrain switch
    {
        Wire.Powertrain.Bev => Model.Data.Powertrain.Bev,
        Wire.Powertrain.Phev => Model.Data.Powertrain.Phev,
        Wire.Powertrain.Other => Model.Data.Powertrain.Other,
        _ => Invalid<Powertrain>(path, "set a powertrain (BEV, PHEV or OTHER)"),
    };

    private DateOnly Date(string text, string path)
    {
        if (string.IsNullOrEmpty(text))
        {
            Issue(path, "missing date (yyyy-MM-dd)");
            return default;
        }
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            Issue(path, $"'{text}' is not a date (yyyy-MM-dd)");
        }
        return date;
    }

    private DateOnly? OptionalDate(string text, string path) => string.IsNullOrEmpty(text) ? null : Date(text, path);

    private double Finite(double value, string path)
    {
        if (!double.IsFinite(value))
        {
            Issue(path, $"{value} is not a finite number");
        }
        return value;
    }

    private T Invalid<T>(string path, string message)
    {
        Issue(path, message);
        return default!;
    }

    private void Issue(string field, string message) => _issues.Add(new ScenarioIssue(field, message));

    internal void ThrowIfInvalid()
    {
        if (_issues.Count > 0)
        {
            throw new ScenarioException(_issues);
        }
    }
}
