using System.Collections.Immutable;
using NevGrains.Model.Data;
using NevGrains.Model.Engine;
using NevGrains.Model.Parameters;

namespace NevGrains.Model.Scenarios;

/// <summary>
/// One problem with a scenario, by field path (e.g. <c>levers[2].tariff.rate</c>). An issue <paramref name="OfRequest"/> names a
/// field of the request beside the scenario (its result filter: <c>filter.owners[0]</c>), so it is not nested under the scenario.
/// </summary>
[GenerateSerializer, Immutable, Alias("nev.ScenarioIssue")]
public sealed record ScenarioIssue([property: Id(0)] string Field, [property: Id(1)] string Message, [property: Id(2)] bool OfRequest = false)
{
    /// <summary>The same issue seen from the value that holds this one at <paramref name="path"/> (<c>scenario</c>, <c>scenarios[3]</c>).</summary>
    public ScenarioIssue Under(string path) =>
        path.Length == 0 || OfRequest ? this : this with { Field = Field.Length == 0 ? path : $"{path}.{Field}" };

    public override string ToString() => $"{Field}: {Message}";
}

/// <summary>Thrown for an invalid scenario or experiment; the gateway maps it to InvalidArgument naming the first field.</summary>
[GenerateSerializer, Alias("nev.ScenarioException")]
public sealed class ScenarioException : Exception
{
    public ScenarioException(IReadOnlyList<ScenarioIssue> issues)
        : base(issues.Count == 1 ? $"invalid scenario: {issues[0]}" : $"invalid scenario ({issues.Count} issues); first: {issues[0]}")
    {
        Issues = [.. issues];
    }

    [Id(0)]
    public ImmutableArray<ScenarioIssue> Issues { get; private set; }
}

/// <summary>Checks a scenario against a compiled baseline: ids that resolve, values in range, dates inside the horizon.</summary>
public static class ScenarioValidator
{
    public static IReadOnlyList<ScenarioIssue> Validate(Scenario scenario, CompiledBaseline compiled)
    {
        var issues = new List<ScenarioIssue>();
        var v = new Checker(compiled, issues);
        v.Run(scenario);
        return issues;
    }

    public static void EnsureValid(Scenario scenario, CompiledBaseline compiled)
    {
        var issues = Validate(scenario, compiled);
        if (issues.Count > 0)
        {
            throw new ScenarioException(issues);
        }
    }

    /// <summary>The horizon a scenario runs to: its own or the dataset's default.</summary>
    public static int HorizonOf(Scenario scenario, CompiledBaseline compiled) => scenario.Horizon ?? compiled.DefaultHorizon;

    /// <summary>Latest end date a lever may give: later ends mean "no end" (leave the field unset) and risk date overflow.</summary>
    private const int MaxEndYear = 2100;

    private sealed class Checker(CompiledBaseline compiled, List<ScenarioIssue> issues)
    {
        private string _at = "";
        /// <summary>A scenario's description is a note for people: a few paragraphs, not a payload.</summary>
        private const int MaxDescription = 4_000;

        private ImmutableArray<Lever> _levers = [];
        private DateOnly _first;
        private DateOnly _last;
        private int _horizon;

        public void Run(Scenario scenario)
        {
            if (string.IsNullOrWhiteSpace(scenario.Name))
            {
                Issue("name", "a scenario needs a name");
            }
            else if (scenario.Name.Length > 200)
            {
                Issue("name", "longer than 200 characters");
            }
            if (scenario.Description is { Length: > MaxDescription })
            {
                Issue("description", $"{scenario.Description.Length:N0} characters; at most {MaxDescription:N0}");
            }
            _horizon = HorizonOf(scenario, compiled);
            if (_horizon <= compiled.BaseYear || _horizon > compiled.MaxHorizon)
            {
                Issue("horizon", $"{_horizon} is outside {compiled.BaseYear + 1}..{compiled.MaxHorizon}");
                _horizon = Math.Clamp(_horizon, compiled.BaseYear + 1, compiled.MaxHorizon);
            }
            _first = new DateOnly(compiled.BaseYear + 1, 1, 1);
            _last = new DateOnly(_horizon, 12, 31);
            foreach (var (name, value) in scenario.Parameters ?? ImmutableDictionary<string, double>.Empty)
            {
                if (!ParameterCatalog.TryGet(name, out var spec))
                {
                    Issue($"parameters.{name}", "unknown parameter (see docs/model.md for the list)");
                }
                else if (!double.IsFinite(value) || value < spec.Min || value > spec.Max)
                {
                    Issue($"parameters.{name}", $"{value} is outside [{spec.Min}, {spec.Max}]");
                }
            }
            var levers = scenario.LeverList;
            _levers = levers;
            if (levers.Length > 1000)
            {
                Issue("levers", $"{levers.Length} levers; at most 1000");
                return;
            }
            for (var i = 0; i < levers.Length; i++)
            {
                _at = $"levers[{i}]";
                if (levers[i] is null)
                {
                    Issue("", "a lever is null");
                    continue;
                }
                _at = $"levers[{i}].{levers[i].Kind}"; // the API's path: a lever's fields sit under its kind
                Check(levers[i]);
            }
        }

        private void Check(Lever lever)
        {
            switch (lever)
            {
                case TariffLever l:
                    Jurisdiction(l.Jurisdiction, "jurisdiction");
                    Rate(l.Rate, "rate");
                    Dates(l.From, l.To);
                    Brands(l.Brands, "brands");
                    Origins(l.Origins);
                    if (l.MinPerUnitUsd is { } min)
                    {
                        Range(min, 0, 1_000_000, "minPerUnitUsd");
                    }
                    break;
                case TariffRemovalLever l:
                    Jurisdiction(l.Jurisdiction, "jurisdiction");
                    if (compiled.TariffsByJurisdiction.TryGetValue(l.Jurisdiction ?? "", out var rules) && !rules.Any(r => r.Group == l.Group))
                    {
                        Issue("group", $"no rule group '{l.Group}' in jurisdiction '{l.Jurisdiction}'");
                    }
                    Date(l.From, "from");
                    Brands(l.Brands, "brands");
                    break;
                case PriceUndertakingLever l:
                    Jurisdiction(l.Jurisdiction, "jurisdiction");
                    Brand(l.Brand, "brand");
                    Range(l.MinImportPriceUsd, 1, 1_000_000, "minImportPriceUsd");
                    Dates(l.From, l.To);
                    if (l.QuotaUnits is { } quota)
                    {
                        Range(quota, 0, 100_000_000, "quotaUnits");
                    }
                    break;
                case TariffExemptionLever l:
                    Jurisdiction(l.Jurisdiction, "jurisdiction");
                    Brand(l.Brand, "brand");
                    Date(l.From, "from");
                    if (l.Group is { } group && compiled.TariffsByJurisdiction.TryGetValue(l.Jurisdiction ?? "", out var r2) && !r2.Any(r => r.Group == group))
                    {
                        Issue("group", $"no rule group '{group}' in jurisdiction '{l.Jurisdiction}'");
                    }
                    break;
                case EnrollmentLever l:
                    Jurisdiction(l.Jurisdiction, "jurisdiction");
                    Brand(l.Brand, "brand");
                    Date(l.From, "from");
                    if (!compiled.TariffsByJurisdiction.TryGetValue(l.Jurisdiction ?? "", out var r3) || !r3.Any(r => r.Id == l.Rule && r.RequiresEnrollment))
                    {
                        Issue("rule", $"no rule '{l.Rule}' requiring enrolment in jurisdiction '{l.Jurisdiction}'");
                    }
                    break;
                case ExportRestrictionLever l:
                    Dates(l.From, l.To);
                    Brands(l.Brands, "brands");
                    Markets(l.Markets, "markets");
                    Range(l.CostPerVehicleUsd, 0, 1_000_000, "costPerVehicleUsd");
                    if (l.CapUnits is { } cap)
                    {
                        Range(cap, 0, 100_000_000, "capUnits");
                    }
                    break;
                case OffsetRuleLever l:
                    Market(l.Market, "market");
                    Range(l.LocalUnitsPerImport, 0.01, 100, "localUnitsPerImport");
                    Dates(l.From, l.To);
                    Brands(l.Brands, "brands");
                    break;
                case PriceLever l:
                    Brand(l.Brand, "brand");
                    Range(l.Change, -0.9, 2, "change");
                    Year(l.FromYear, "fromYear");
                    Markets(l.Markets, "markets");
                    break;
                case PassThroughLever l:
                    Range(l.Value, 0, 1.5, "value");
                    Year(l.FromYear, "fromYear");
                    Brands(l.Brands, "brands");
                    Markets(l.Markets, "markets");
                    break;
                case IncentiveLever l:
                    // Paths as the API spells them: the incentive's fields sit directly under the lever.
                    Market(l.Market, "market");
                    if (l.Incentive is null)
                    {
                        Issue("", "the incentive is missing");
                        break;
                    }
                    if (string.IsNullOrWhiteSpace(l.Incentive.Id))
                    {
                        Issue("id", "missing");
                    }
                    if (l.Incentive.Powertrains.IsDefaultOrEmpty)
                    {
                        Issue("powertrains", "must not be empty");
                    }
                    if (l.Incentive.Amount is null)
                    {
                        Issue("amount", "missing");
                    }
                    else
                    {
                        Range(l.Incentive.Amount.Value, 0, 1e12, "amount");
                    }
                    if (l.Incentive.MaxPrice is { } maxPrice)
                    {
                        Range(maxPrice.Value, 1, 1e7, "maxPrice");
                    }
                    if (l.Incentive.MinBatteryKwh is { } minKwh)
                    {
                        Range(minKwh, 0, 1_000, "minBatteryKwh");
                    }
                    if (l.Incentive.MaxBatteryKwh is { } maxKwh)
                    {
                        Range(maxKwh, 0, 1_000, "maxBatteryKwh");
                        if (l.Incentive.MinBatteryKwh is { } lowest && maxKwh < lowest)
                        {
                            Issue("maxBatteryKwh", $"{maxKwh} is below minBatteryKwh {lowest}");
                        }
                    }
                    Dates(l.Incentive.ValidFrom, l.Incentive.ValidTo, "validFrom", "validTo");
                    break;
                case IncentiveRemovalLever l:
                    Market(l.Market, "market");
                    if (compiled.Dataset.FindMarket(l.Market ?? "") is { } m && !m.Incentives.OrEmpty().Any(x => x.Id == l.Incentive))
                    {
                        Issue("incentive", $"no incentive '{l.Incentive}' in market '{l.Market}'");
                    }
                    Date(l.From, "from");
                    break;
                case PurchaseTaxLever l:
                    Market(l.Market, "market");
                    Rate(l.Rate, "rate");
                    Dates(l.From, l.To);
                    break;
                case BatteryCostLever l:
                    Year(l.FromYear, "fromYear");
                    Range(l.PackPriceUsdPerKwh, 20, 500, "packPriceUsdPerKwh");
                    break;
                case OfferLever l:
                    Brand(l.Brand, "brand");
                    Year(l.FromYear, "fromYear");
                    Markets(l.Markets, "markets");
                    if (l.HomePriceCny is { } price)
                    {
                        Range(price, 10_000, 5_000_000, "homePriceCny");
                    }
                    if (l.RangeKm is { } range)
                    {
                        Range(range, 50, 2_000, "rangeKm");
                    }
                    if (l.BatteryKwh is { } kwh)
                    {
                        Range(kwh, 0, 250, "batteryKwh");
                    }
                    if (compiled.BrandIndex.TryGetValue(l.Brand ?? "", out var b) && compiled.Brands[b].Offer(l.Powertrain) is null
                        && (l.HomePriceCny is null || l.RangeKm is null || l.BatteryKwh is null))
                    {
                        Issue("homePriceCny", $"the brand has no {l.Powertrain.Code()} offer: a new offer needs homePriceCny, rangeKm and batteryKwh");
                    }
                    break;
                case PlantLever l:
                    if (!compiled.PlantIndex.ContainsKey(l.Plant ?? ""))
                    {
                        Issue("plant", $"unknown plant '{l.Plant}'");
                    }
                    Range(l.StartDelayMonths, -60, 120, "startDelayMonths");
                    Range(l.CapacityScale, 0, 10, "capacityScale");
                    YearAmounts(l.Capacity, "capacity", 0, 10_000_000);
                    YearAmounts(l.LocalContent, "localContent", 0, 1);
                    if (l.HaltFrom is { } halt)
                    {
                        Date(halt, "haltFrom");
                    }
                    break;
                case NewPlantLever l:
                    Brand(l.Brand, "brand");
                    if (string.IsNullOrWhiteSpace(l.Id) || compiled.PlantIndex.ContainsKey(l.Id))
                    {
                        Issue("id", $"'{l.Id}' is empty or already a plant");
                    }
                    if (l.Country is not { Length: 2 } || !l.Country.All(char.IsAsciiLetterUpper))
                    {
                        Issue("country", $"'{l.Country}' is not an ISO 3166 alpha-2 country code");
                    }
                    if (!compiled.RegionIndex.ContainsKey(l.Region ?? ""))
                    {
                        Issue("region", $"unknown region '{l.Region}'");
                    }
                    if (l.Market is { } located)
                    {
                        Market(located, "market");
                    }
                    Date(l.Start, "start");
                    if (l.Capacity.IsDefaultOrEmpty)
                    {
                        Issue("capacity", "a new plant needs a capacity path");
                    }
                    YearAmounts(l.Capacity, "capacity", 0, 10_000_000);
                    YearAmounts(l.LocalContent, "localContent", 0, 1);
                    Range(l.UnitCostIndex, 0.3, 5, "unitCostIndex");
                    foreach (var served in l.ServesMarkets.OrEmpty())
                    {
                        if (!compiled.MarketIndex.ContainsKey(served) && !compiled.RegionIndex.ContainsKey(served) && !compiled.CustomsUnions.ContainsKey(served))
                        {
                            Issue("servesMarkets", $"unknown market, region or customs union '{served}'");
                        }
                    }
                    break;
                case StoresLever l:
                    Brand(l.Brand, "brand");
                    Market(l.Market, "market");
                    SellsThere(l.Brand, l.Market, "stores");
                    Year(l.Year, "year");
                    if (l.Stores is null && l.ServicePoints is null)
                    {
                        Issue("stores", "give stores and/or servicePoints");
                    }
                    Range(l.Stores ?? 0, 0, 1_000_000, "stores");
                    Range(l.ServicePoints ?? 0, 0, 1_000_000, "servicePoints");
                    break;
                case MarketEntryLever l:
                    Brand(l.Brand, "brand");
                    Market(l.Market, "market");
                    Date(l.Entered, "entered");
                    Range(l.Stores, 0, 1_000_000, "stores");
                    Range(l.ServicePoints ?? 0, 0, 1_000_000, "servicePoints");
                    Range(l.SwapStations ?? 0, 0, 1_000_000, "swapStations");
                    break;
                case MarketExitLever l:
                    Brand(l.Brand, "brand");
                    Market(l.Market, "market");
                    Date(l.From, "from");
                    break;
                case ChargersLever l:
                    Market(l.Market, "market");
                    Year(l.Year, "year");
                    if (l.Points is null && l.Growth is null)
                    {
                        Issue("points", "give points and/or growth");
                    }
                    Range(l.Points ?? 0, 0, 100_000_000, "points");
                    Range(l.Growth ?? 0, -0.5, 2, "growth");
                    break;
                case SwapStationsLever l:
                    Brand(l.Brand, "brand");
                    Market(l.Market, "market");
                    SellsThere(l.Brand, l.Market, "swap stations");
                    Year(l.Year, "year");
                    Range(l.Stations, 0, 100_000, "stations");
                    break;
                case DemandShockLever l:
                    Year(l.Year, "year");
                    Range(l.Shock, -0.9, 2, "shock");
                    Markets(l.Markets, "markets");
                    break;
                case MarketGrowthLever l:
                    Year(l.FromYear, "fromYear");
                    Range(l.Growth, -0.5, 0.5, "growth");
                    Markets(l.Markets, "markets");
                    break;
                case PreferenceLever l:
                    Year(l.FromYear, "fromYear");
                    Range(l.Shift, -5, 5, "shift");
                    Range(l.YearlyChange, -2, 2, "yearlyChange");
                    Markets(l.Markets, "markets");
                    break;
                case CompetitorPriceLever l:
                    Range(l.Change, -0.9, 2, "change");
                    Year(l.FromYear, "fromYear");
                    Markets(l.Markets, "markets");
                    foreach (var competitor in l.Competitors.OrEmpty())
                    {
                        if (!compiled.CompetitorIndex.ContainsKey(competitor))
                        {
                            Issue("competitors", $"unknown competitor '{competitor}'");
                        }
                    }
                    break;
                case CompetitorResponseLever l:
                    Range(l.Share, 0, 1, "share");
                    Year(l.FromYear, "fromYear");
                    Markets(l.Markets, "markets");
                    break;
                default:
                    Issue("type", $"unknown lever type {lever.GetType().Name}");
                    break;
            }
        }

        private void Jurisdiction(string? id, string field)
        {
            if (!compiled.MarketIndex.ContainsKey(id ?? "") && !compiled.CustomsUnions.ContainsKey(id ?? ""))
            {
                Issue(field, $"unknown market or customs union '{id}'");
            }
        }

        private void Brand(string? id, string field)
        {
            if (!compiled.BrandIndex.ContainsKey(id ?? ""))
            {
                Issue(field, IdSuggestions.Unknown("brand", id, compiled.BrandIndex.Keys));
            }
        }

        /// <summary>
        /// A lever on a brand's network in a market it never sells in (in the data, or by a marketEntry lever of this scenario)
        /// changes nothing: say so rather than answer an unchanged result.
        /// </summary>
        private void SellsThere(string? brand, string? market, string what)
        {
            var info = compiled.Markets.FirstOrDefault(m => m.Id == market);
            var alternative = info?.Alternatives.FirstOrDefault(a => a.IsBrand && a.OwnerId == brand);
            if (info is null || alternative is null || alternative.PresentInBaseline
                || _levers.OfType<MarketEntryLever>().Any(l => l.Brand == brand && l.Market == market))
            {
                return; // unknown ids are reported by their own checks
            }
            Issue("brand", $"'{brand}' does not sell in '{market}' in this dataset, so {what} there change nothing; add a marketEntry lever for it there first");
        }

        private void Market(string? id, string field)
        {
            if (!compiled.MarketIndex.ContainsKey(id ?? ""))
            {
                Issue(field, IdSuggestions.Unknown("market", id, compiled.MarketIndex.Keys));
            }
        }

        private void Brands(ImmutableArray<string> ids, string field)
        {
            foreach (var id in ids.OrEmpty())
            {
                Brand(id, field);
            }
        }

        private void Markets(ImmutableArray<string> ids, string field)
        {
            foreach (var id in ids.OrEmpty())
            {
                Market(id, field);
            }
        }

        private void Origins(ImmutableArray<string> origins)
        {
            foreach (var origin in origins.OrEmpty())
            {
                var ok = origin == "*" || compiled.CustomsUnions.ContainsKey(origin) || (origin.Length == 2 && origin.All(char.IsAsciiLetterUpper));
                if (!ok)
                {
                    Issue("origins", $"'{origin}' is not a country code, a customs union or '*'");
                }
            }
        }

        private void Rate(double value, string field) => Range(value, 0, 5, field);

        private void Range(double value, double min, double max, string field)
        {
            if (!double.IsFinite(value))
            {
                Issue(field, $"{value} is not a finite number");
            }
            else if (value < min || value > max)
            {
                Issue(field, $"{value} is out of range [{min}, {max}]");
            }
        }

        private void Year(int year, string field)
        {
            if (year <= compiled.BaseYear || year > _horizon)
            {
                Issue(field, $"{year} is outside the scenario's years {compiled.BaseYear + 1}..{_horizon}");
            }
        }

        private void YearAmounts(ImmutableArray<YearAmount> points, string field, double min, double max)
        {
            foreach (var (point, i) in points.OrEmpty().Select((p, i) => (p, i)))
            {
                if (point is null)
                {
                    Issue($"{field}[{i}]", "missing");
                    continue;
                }
                if (point.Year < compiled.BaseYear || point.Year > _horizon)
                {
                    Issue($"{field}[{i}].year", $"{point.Year} is outside {compiled.BaseYear}..{_horizon}");
                }
                Range(point.Value, min, max, $"{field}[{i}].value");
            }
        }

        private void Date(DateOnly date, string field)
        {
            if (date < _first || date > _last)
            {
                Issue(field, $"{date:yyyy-MM-dd} is outside the scenario's horizon {_first:yyyy-MM-dd}..{_last:yyyy-MM-dd}");
            }
        }

        private void Dates(DateOnly from, DateOnly? to, string fromField = "from", string toField = "to")
        {
            Date(from, fromField);
            if (to is { } end && end <= from)
            {
                Issue(toField, $"{end:yyyy-MM-dd} is not after {from:yyyy-MM-dd}");
            }
            else if (to is { } last && last.Year > MaxEndYear)
            {
                Issue(toField, $"{last:yyyy-MM-dd} is after {MaxEndYear}-12-31; leave it unset for no end");
            }
        }

        private void Issue(string field, string message) =>
            issues.Add(new ScenarioIssue(string.IsNullOrEmpty(_at) ? field : string.IsNullOrEmpty(field) ? _at : $"{_at}.{field}", message));
    }
}
