using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace NevGrains.Model.Data;

/// <summary>Errors make a dataset unusable; warnings are worth a look (an unused source, a thin cell).</summary>
public sealed record ValidationReport(IReadOnlyList<DataIssue> Errors, IReadOnlyList<DataIssue> Warnings)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// Schema, range and reference checks over a whole dataset: shares in [0,1], non-negative capacities and tariffs,
/// dates in order, known currencies and units, every number sourced, ids that resolve, no ambiguous tariff rules.
/// </summary>
public static partial class DatasetValidator
{
    public static ValidationReport Validate(Dataset dataset)
    {
        var walker = new Walker(dataset);
        walker.Run();
        return new ValidationReport(walker.Errors, walker.Warnings);
    }

    /// <summary>ISO 4217 codes the validator accepts for a currency.</summary>
    public static readonly ImmutableHashSet<string> KnownCurrencies = ImmutableHashSet.Create(StringComparer.Ordinal,
        "USD", "EUR", "CNY", "GBP", "HUF", "NOK", "SEK", "DKK", "PLN", "BGN", "CZK", "RON", "CHF", "TRY", "THB", "IDR",
        "MYR", "VND", "PHP", "SGD", "INR", "BRL", "CLP", "MXN", "ARS", "COP", "PEN", "AUD", "NZD", "UZS", "KZT", "EGP",
        "AED", "SAR", "ILS", "ZAR", "MAD", "JPY", "KRW", "CAD", "RUB", "PKR", "BDT", "LKR", "QAR", "KWD");

    private enum Range { Share, NonNegative, Positive, Rate, Growth, Any }

    private sealed partial class Walker(Dataset dataset)
    {
        public List<DataIssue> Errors { get; } = [];
        public List<DataIssue> Warnings { get; } = [];

        private readonly Dictionary<string, SourceEntry> _sources = new(StringComparer.Ordinal);
        private readonly HashSet<string> _usedSources = new(StringComparer.Ordinal);
        private readonly HashSet<string> _marketIds = new(StringComparer.Ordinal);
        private readonly HashSet<string> _brandIds = new(StringComparer.Ordinal);
        private readonly HashSet<string> _competitorIds = new(StringComparer.Ordinal);
        // Plant levers name a plant by id alone, so plant ids are unique across brands.
        private readonly HashSet<string> _plantIds = new(StringComparer.Ordinal);
        private readonly HashSet<string> _regionIds = new(StringComparer.Ordinal);
        private readonly HashSet<string> _unionIds = new(StringComparer.Ordinal);
        private readonly HashSet<string> _currencies = new(StringComparer.Ordinal);
        private string _file = "";
        private string _entity = "";

        [GeneratedRegex("^[a-z][a-z0-9-]{1,39}$")]
        private static partial Regex IdPattern();

        [GeneratedRegex("^[A-Z]{2}$")]
        private static partial Regex CountryPattern();

        public void Run()
        {
            IndexIds();
            CheckManifest();
            CheckSources();
            foreach (var market in dataset.Markets.OrEmpty())
            {
                CheckMarket(market);
            }
            foreach (var brand in dataset.Brands.OrEmpty())
            {
                CheckBrand(brand);
            }
            foreach (var schedule in dataset.Tariffs.OrEmpty())
            {
                CheckTariffs(schedule);
            }
            CheckCompetitors();
            CheckFreight();
            CheckMarketTotals();
            CheckCalibrationTargets();
            At(DatasetLoader.SourcesFile, "sources");
            foreach (var source in _sources.Keys.Where(id => !_usedSources.Contains(id)))
            {
                Warn(source, "this source is not referenced by any number");
            }
        }

        private void IndexIds()
        {
            var manifest = dataset.Manifest;
            foreach (var region in manifest.Regions.OrEmpty())
            {
                _regionIds.Add(region.Id);
            }
            foreach (var union in manifest.CustomsUnions.OrEmpty())
            {
                _unionIds.Add(union.Id);
            }
            foreach (var currency in manifest.Currencies.OrEmpty())
            {
                _currencies.Add(currency.Code);
            }
            foreach (var source in dataset.Sources.OrEmpty())
            {
                if (!_sources.TryAdd(source.Id, source))
                {
                    At(DatasetLoader.SourcesFile, $"source {source.Id}");
                    Error("id", $"duplicate source id '{source.Id}'");
                }
            }
            Unique(dataset.Markets.OrEmpty().Select(m => m.Id), _marketIds, "market", DatasetLoader.MarketsFolder);
            Unique(dataset.Brands.OrEmpty().Select(b => b.Id), _brandIds, "brand", DatasetLoader.BrandsFolder);
            Unique(dataset.Competitors.OrEmpty().Select(c => c.Id), _competitorIds, "competitor", DatasetLoader.CompetitorsFile);
        }

        private void Unique(IEnumerable<string> ids, HashSet<string> into, string kind, string file)
        {
            foreach (var id in ids)
            {
                At(file, $"{kind} {id}");
                if (!IdPattern().IsMatch(id ?? ""))
                {
                    Error("id", $"'{id}' is not a valid id (lower case letters, digits and '-', 2 to 40 characters)");
                }
                if (!into.Add(id ?? ""))
                {
                    Error("id", $"duplicate {kind} id '{id}'");
                }
            }
        }

        private void CheckManifest()
        {
            var m = dataset.Manifest;
            At(DatasetLoader.ManifestFile, "dataset");
            if (string.IsNullOrWhiteSpace(m.DatasetVersion))
            {
                Error("datasetVersion", "missing dataset version");
            }
            if (m.BaseYear is < 2000 or > 2100)
            {
                Error("baseYear", $"{m.BaseYear} is outside 2000..2100");
            }
            if (m.DefaultHorizon <= m.BaseYear)
            {
                Error("defaultHorizon", $"{m.DefaultHorizon} must be after the base year {m.BaseYear}");
            }
            if (m.MaxHorizon < m.DefaultHorizon || m.MaxHorizon > m.BaseYear + 25)
            {
                Error("maxHorizon", $"{m.MaxHorizon} must be between the default horizon {m.DefaultHorizon} and base year + 25");
            }
            foreach (var (currency, i) in m.Currencies.OrEmpty().Select((c, i) => (c, i)))
            {
                var field = $"currencies[{i}]";
                if (!KnownCurrencies.Contains(currency.Code))
                {
                    Error(field + ".code", $"unknown currency '{currency.Code}' (not an ISO 4217 code this validator knows)");
                }
                Point(currency.UsdPerUnit, field + ".usdPerUnit", Range.Positive, "USD");
            }
            if (!_currencies.Contains("USD") || !_currencies.Contains("CNY"))
            {
                Error("currencies", "USD and CNY must be listed (money is converted to USD; home prices are in CNY)");
            }
            foreach (var union in m.CustomsUnions.OrEmpty())
            {
                foreach (var member in union.Members.OrEmpty())
                {
                    if (!CountryPattern().IsMatch(member))
                    {
                        Error($"customsUnions.{union.Id}.members", $"'{member}' is not an ISO 3166 alpha-2 country code");
                    }
                }
            }
            foreach (var (conflict, i) in m.Conflicts.OrEmpty().Select((c, i) => (c, i)))
            {
                var field = $"conflicts[{i}]";
                if (conflict.Values.OrEmpty().Length < 2)
                {
                    Error(field + ".values", "a conflict lists at least two values");
                }
                foreach (var value in conflict.Values.OrEmpty())
                {
                    SourceRef(value.Source, field + ".values.source");
                }
                if (string.IsNullOrWhiteSpace(conflict.Used) || string.IsNullOrWhiteSpace(conflict.UsedFor))
                {
                    Error(field, "say which value is used and for what");
                }
            }
        }

        private void CheckSources()
        {
            foreach (var source in dataset.Sources.OrEmpty())
            {
                At(DatasetLoader.SourcesFile, $"source {source.Id}");
                if (string.IsNullOrWhiteSpace(source.Title))
                {
                    Error("title", "missing title");
                }
                if (source.Kind == SourceKind.Assumption && string.IsNullOrWhiteSpace(source.Rationale))
                {
                    Error("rationale", "an assumption needs a one-line rationale");
                }
                if (source.Kind == SourceKind.Source && string.IsNullOrWhiteSpace(source.Url) && string.IsNullOrWhiteSpace(source.Date))
                {
                    Error("url", "a source needs a URL or a date");
                }
            }
        }

        private void CheckMarket(MarketData market)
        {
            At($"{DatasetLoader.MarketsFolder}/{market.Id}.json", $"market {market.Id}");
            if (string.IsNullOrWhiteSpace(market.Name))
            {
                Error("name", "missing name");
            }
            if (!CountryPattern().IsMatch(market.Country ?? ""))
            {
                Error("country", $"'{market.Country}' is not an ISO 3166 alpha-2 country code");
            }
            if (!_regionIds.Contains(market.Region ?? ""))
            {
                Error("region", $"unknown region '{market.Region}'");
            }
            if (!_currencies.Contains(market.Currency ?? ""))
            {
                Error("currency", $"unknown currency '{market.Currency}' (list it with its USD rate in dataset.json)");
            }
            if (market.CustomsUnion is { } union && !_unionIds.Contains(union))
            {
                Error("customsUnion", $"unknown customs union '{union}'");
            }
            Point(market.NewCarSales, "newCarSales", Range.Positive, "vehicles");
            Point(market.BevShare, "bevShare", Range.Share, "share");
            Point(market.PhevShare, "phevShare", Range.Share, "share");
            if (market.BevShare is not null && market.PhevShare is not null && market.BevShare.Value + market.PhevShare.Value > 1)
            {
                Error("bevShare", $"BEV share {market.BevShare.Value} plus PHEV share {market.PhevShare.Value} exceeds 1");
            }
            Point(market.MarketGrowth, "marketGrowth", Range.Growth, "share/year");
            Point(market.PublicChargers, "publicChargers", Range.NonNegative, "points");
            Point(market.ChargerGrowth, "chargerGrowth", Range.Growth, "share/year");
            Point(market.VatRate, "vatRate", Range.Share, "share");
            Point(market.PriceIndex, "priceIndex", Range.Positive, "ratio");

            foreach (var (tax, i) in market.PurchaseTaxes.OrEmpty().Select((t, i) => (t, i)))
            {
                var field = $"purchaseTaxes[{i}]";
                NonEmpty(tax.Powertrains, field + ".powertrains");
                Point(tax.Rate, field + ".rate", Range.Rate, "share");
                Dates(tax.ValidFrom, tax.ValidTo, field);
            }
            foreach (var (incentive, i) in market.Incentives.OrEmpty().Select((x, i) => (x, i)))
            {
                var field = $"incentives[{i}]";
                NonEmpty(incentive.Powertrains, field + ".powertrains");
                Point(incentive.Amount, field + ".amount", Range.NonNegative, market.Currency);
                Point(incentive.MaxPrice, field + ".maxPrice", Range.Positive, market.Currency, required: false);
                Dates(incentive.ValidFrom, incentive.ValidTo, field);
                if (incentive.MinBatteryKwh is < 0 || incentive.MaxBatteryKwh is < 0 || incentive.MinBatteryKwh > incentive.MaxBatteryKwh)
                {
                    Error(field + ".minBatteryKwh", "battery bounds must be non-negative and min <= max");
                }
            }
            foreach (var (rule, i) in market.OffsetRules.OrEmpty().Select((x, i) => (x, i)))
            {
                var field = $"offsetRules[{i}]";
                Point(rule.LocalUnitsPerImport, field + ".localUnitsPerImport", Range.Positive, "ratio");
                Dates(rule.ValidFrom, rule.ValidTo, field);
                BrandRefs(rule.Brands, field + ".brands");
            }
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (presence, i) in market.Competitors.OrEmpty().Select((x, i) => (x, i)))
            {
                var field = $"competitors[{i}]";
                if (!_competitorIds.Contains(presence.Competitor ?? ""))
                {
                    Error(field + ".competitor", $"unknown competitor '{presence.Competitor}'");
                }
                if (!seen.Add(presence.Competitor ?? ""))
                {
                    Error(field + ".competitor", $"competitor '{presence.Competitor}' is listed twice");
                }
                OnePerPowertrain(presence.Offers.OrEmpty().Select(o => o.Powertrain), field + ".offers");
                foreach (var (offer, j) in presence.Offers.OrEmpty().Select((x, j) => (x, j)))
                {
                    var f = $"{field}.offers[{j}]";
                    Point(offer.Price, f + ".price", Range.Positive, market.Currency);
                    Point(offer.RangeKm, f + ".rangeKm", Range.Positive, "km", required: false);
                    Point(offer.Units, f + ".units", Range.NonNegative, "vehicles", required: false);
                    Point(offer.ResidualShare, f + ".residualShare", Range.Share, "share", required: false);
                    if ((offer.Units is null) == (offer.ResidualShare is null))
                    {
                        Error(f, "give either units or residualShare for the base year");
                    }
                }
            }
            foreach (var powertrain in Powertrains.All)
            {
                var residual = market.Competitors.OrEmpty()
                    .SelectMany(c => c.Offers.OrEmpty())
                    .Where(o => o.Powertrain == powertrain && o.ResidualShare is not null)
                    .Sum(o => o.ResidualShare!.Value);
                if (residual > 0 && Math.Abs(residual - 1) > 0.005)
                {
                    Error($"competitors.{powertrain.Code()}.residualShare", $"residual shares add up to {residual:0.###}, not 1");
                }
            }
        }

        private void CheckBrand(BrandData brand)
        {
            At($"{DatasetLoader.BrandsFolder}/{brand.Id}.json", $"brand {brand.Id}");
            if (!CountryPattern().IsMatch(brand.Origin ?? ""))
            {
                Error("origin", $"'{brand.Origin}' is not an ISO 3166 alpha-2 country code");
            }
            OnePerPowertrain(brand.Offers.OrEmpty().Select(o => o.Powertrain), "offers");
            foreach (var (offer, i) in brand.Offers.OrEmpty().Select((x, i) => (x, i)))
            {
                var field = $"offers[{i}]";
                Point(offer.HomePrice, field + ".homePrice", Range.Positive, "CNY");
                Point(offer.RangeKm, field + ".rangeKm", Range.Positive, "km");
                Point(offer.BatteryKwh, field + ".batteryKwh", Range.NonNegative, "kWh");
            }
            foreach (var (plant, i) in brand.Plants.OrEmpty().Select((x, i) => (x, i)))
            {
                var field = $"plants[{i}]";
                if (!IdPattern().IsMatch(plant.Id ?? "") || !_plantIds.Add(plant.Id ?? ""))
                {
                    Error(field + ".id", $"plant id '{plant.Id}' is invalid or used by another plant");
                }
                if (!CountryPattern().IsMatch(plant.Country ?? ""))
                {
                    Error(field + ".country", $"'{plant.Country}' is not an ISO 3166 alpha-2 country code");
                }
                if (!_regionIds.Contains(plant.Region ?? ""))
                {
                    Error(field + ".region", $"unknown region '{plant.Region}'");
                }
                if (plant.Market is { } located && !_marketIds.Contains(located))
                {
                    Error(field + ".market", $"unknown market '{located}'");
                }
                NonEmpty(plant.Powertrains, field + ".powertrains");
                Dates(plant.Start, plant.End, field, fromName: "start", toName: "end");
                Point(plant.UnitCostIndex, field + ".unitCostIndex", Range.Positive, "ratio");
                if (plant.Capacity.OrEmpty().IsEmpty)
                {
                    Error(field + ".capacity", "a plant needs at least one capacity point");
                }
                Years(plant.Capacity.OrEmpty().Select(c => c.Year), field + ".capacity");
                foreach (var (point, j) in plant.Capacity.OrEmpty().Select((x, j) => (x, j)))
                {
                    Point(point.Units, $"{field}.capacity[{j}].units", Range.NonNegative, "vehicles/year");
                }
                Years(plant.LocalContent.OrEmpty().Select(c => c.Year), field + ".localContent");
                foreach (var (point, j) in plant.LocalContent.OrEmpty().Select((x, j) => (x, j)))
                {
                    Point(point.Value, $"{field}.localContent[{j}].value", Range.Share, "share");
                }
                foreach (var served in plant.ServesMarkets.OrEmpty())
                {
                    if (!_marketIds.Contains(served) && !_regionIds.Contains(served) && !_unionIds.Contains(served))
                    {
                        Error(field + ".servesMarkets", $"unknown market, region or customs union '{served}'");
                    }
                }
            }
            var offered = brand.Offers.OrEmpty().Select(o => o.Powertrain).ToHashSet();
            var markets = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (presence, i) in brand.Markets.OrEmpty().Select((x, i) => (x, i)))
            {
                var field = $"markets[{i}]";
                if (!_marketIds.Contains(presence.Market ?? ""))
                {
                    Error(field + ".market", $"unknown market '{presence.Market}'");
                }
                if (!markets.Add(presence.Market ?? ""))
                {
                    Error(field + ".market", $"market '{presence.Market}' is listed twice");
                }
                OnePerPowertrain(presence.Sales.OrEmpty().Select(s => s.Powertrain), field + ".sales");
                var currency = dataset.FindMarket(presence.Market ?? "")?.Currency;
                foreach (var (sales, j) in presence.Sales.OrEmpty().Select((x, j) => (x, j)))
                {
                    Point(sales.Units, $"{field}.sales[{j}].units", Range.NonNegative, "vehicles");
                    if (!offered.Contains(sales.Powertrain))
                    {
                        Error($"{field}.sales[{j}].powertrain", $"the brand has no {sales.Powertrain.Code()} offer");
                    }
                    if (sales.Units is { Value: > 0 } && presence.Entered.Year > dataset.Manifest.BaseYear)
                    {
                        Error(field + ".entered", $"base-year sales but entry on {presence.Entered:yyyy-MM-dd}, after the base year");
                    }
                }
                Point(presence.Stores, field + ".stores", Range.NonNegative, "stores", required: false);
                Point(presence.ServicePoints, field + ".servicePoints", Range.NonNegative, "sites", required: false);
                Point(presence.SwapStations, field + ".swapStations", Range.NonNegative, "stations", required: false);
                Years(presence.StoresPlan.OrEmpty().Select(p => p.Year), field + ".storesPlan");
                foreach (var (point, j) in presence.StoresPlan.OrEmpty().Select((x, j) => (x, j)))
                {
                    Point(point.Value, $"{field}.storesPlan[{j}].value", Range.NonNegative, "stores");
                }
                Years(presence.SwapStationsPlan.OrEmpty().Select(p => p.Year), field + ".swapStationsPlan");
                foreach (var (point, j) in presence.SwapStationsPlan.OrEmpty().Select((x, j) => (x, j)))
                {
                    Point(point.Value, $"{field}.swapStationsPlan[{j}].value", Range.NonNegative, "stations");
                }
                foreach (var (price, j) in presence.Prices.OrEmpty().Select((x, j) => (x, j)))
                {
                    Point(price.Price, $"{field}.prices[{j}].price", Range.Positive, currency);
                }
            }
        }

        private void CheckTariffs(TariffSchedule schedule)
        {
            At($"{DatasetLoader.TariffsFolder}/{schedule.Jurisdiction}.json", $"tariffs {schedule.Jurisdiction}");
            if (!_marketIds.Contains(schedule.Jurisdiction ?? "") && !_unionIds.Contains(schedule.Jurisdiction ?? ""))
            {
                Error("jurisdiction", $"unknown market or customs union '{schedule.Jurisdiction}'");
            }
            var rules = schedule.Rules.OrEmpty();
            var ids = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (rule, i) in rules.Select((x, i) => (x, i)))
            {
                var field = $"rules[{i}]";
                if (!IdPattern().IsMatch(rule.Id ?? "") || !ids.Add(rule.Id ?? ""))
                {
                    Error(field + ".id", $"rule id '{rule.Id}' is invalid or duplicate");
                }
                if (string.IsNullOrWhiteSpace(rule.Group))
                {
                    Error(field + ".group", "missing group");
                }
                if (rule.Origins.OrEmpty().IsEmpty)
                {
                    Error(field + ".origins", "list the origins (ISO country codes, a customs union id, or '*')");
                }
                foreach (var origin in rule.Origins.OrEmpty().Concat(rule.OriginsExcept.OrEmpty()))
                {
                    if (origin != "*" && !CountryPattern().IsMatch(origin) && !_unionIds.Contains(origin))
                    {
                        Error(field + ".origins", $"'{origin}' is not a country code, a customs union or '*'");
                    }
                }
                NonEmpty(rule.Powertrains, field + ".powertrains");
                BrandRefs(rule.Brands, field + ".brands");
                Point(rule.AdValorem, field + ".adValorem", Range.Rate, "share");
                Point(rule.MinPerUnitUsd, field + ".minPerUnitUsd", Range.NonNegative, "USD", required: false);
                Point(rule.MinCustomsValueUsd, field + ".minCustomsValueUsd", Range.NonNegative, "USD", required: false);
                Point(rule.QuotaUnits, field + ".quotaUnits", Range.NonNegative, "vehicles", required: false);
                Point(rule.QuotaValueUsd, field + ".quotaValueUsd", Range.NonNegative, "USD", required: false);
                Point(rule.MinImportPriceUsd, field + ".minImportPriceUsd", Range.Positive, "USD", required: false);
                Dates(rule.ValidFrom, rule.ValidTo, field);
                foreach (var (exemption, j) in rule.Exemptions.OrEmpty().Select((x, j) => (x, j)))
                {
                    if (!_brandIds.Contains(exemption.Brand ?? ""))
                    {
                        Error($"{field}.exemptions[{j}].brand", $"unknown brand '{exemption.Brand}'");
                    }
                    SourceRef(exemption.Source, $"{field}.exemptions[{j}].source");
                }
            }
            for (var i = 0; i < rules.Length; i++)
            {
                for (var j = i + 1; j < rules.Length; j++)
                {
                    if (Ambiguous(rules[i], rules[j]))
                    {
                        Error($"rules[{j}].validFrom",
                            $"rule '{rules[j].Id}' overlaps rule '{rules[i].Id}' in group '{rules[i].Group}' (same scope, overlapping dates): which one applies is ambiguous");
                    }
                }
            }
        }

        /// <summary>Two rules are ambiguous when they are equally specific alternatives covering the same cars on the same day.</summary>
        private static bool Ambiguous(TariffRule a, TariffRule b)
        {
            if (a.Group != b.Group || a.Goods != b.Goods)
            {
                return false;
            }
            if ((a.QuotaUnits is null) != (b.QuotaUnits is null) || (a.QuotaValueUsd is null) != (b.QuotaValueUsd is null)
                || a.RequiresEnrollment != b.RequiresEnrollment || (a.MinCustomsValueUsd is null) != (b.MinCustomsValueUsd is null))
            {
                return false;
            }
            var aBrands = a.Brands.OrEmpty();
            var bBrands = b.Brands.OrEmpty();
            if (aBrands.IsEmpty != bBrands.IsEmpty || (!aBrands.IsEmpty && !aBrands.Intersect(bBrands).Any()))
            {
                return false;
            }
            var originsOverlap = a.Origins.OrEmpty().Contains("*") || b.Origins.OrEmpty().Contains("*")
                || a.Origins.OrEmpty().Intersect(b.Origins.OrEmpty()).Any();
            if (!originsOverlap || !a.Powertrains.OrEmpty().Intersect(b.Powertrains.OrEmpty()).Any())
            {
                return false;
            }
            var aEnd = a.ValidTo ?? DateOnly.MaxValue;
            var bEnd = b.ValidTo ?? DateOnly.MaxValue;
            return a.ValidFrom < bEnd && b.ValidFrom < aEnd;
        }

        private void CheckCompetitors()
        {
            foreach (var competitor in dataset.Competitors.OrEmpty())
            {
                At(DatasetLoader.CompetitorsFile, $"competitor {competitor.Id}");
                if (string.IsNullOrWhiteSpace(competitor.Name))
                {
                    Error("name", "missing name");
                }
            }
        }

        private void CheckFreight()
        {
            var lanes = new HashSet<(string, string)>();
            foreach (var (lane, i) in dataset.Freight.OrEmpty().Select((x, i) => (x, i)))
            {
                At(DatasetLoader.FreightFile, $"lane {lane.From}->{lane.To}");
                if (!_regionIds.Contains(lane.From ?? "") || !_regionIds.Contains(lane.To ?? ""))
                {
                    Error($"[{i}]", $"unknown region in lane '{lane.From}' -> '{lane.To}'");
                }
                if (!lanes.Add((lane.From ?? "", lane.To ?? "")))
                {
                    Error($"[{i}]", "duplicate lane");
                }
                Point(lane.CostUsd, $"[{i}].costUsd", Range.NonNegative, "USD");
            }
            foreach (var plant in dataset.Brands.OrEmpty().SelectMany(b => b.Plants.OrEmpty()))
            {
                foreach (var market in dataset.Markets.OrEmpty())
                {
                    if (plant.Market != market.Id && !lanes.Contains((plant.Region, market.Region)))
                    {
                        At(DatasetLoader.FreightFile, $"lane {plant.Region}->{market.Region}");
                        Error("(lanes)", $"no freight lane from region '{plant.Region}' (plant {plant.Id}) to region '{market.Region}' (market {market.Id})");
                        return;
                    }
                }
            }
        }

        /// <summary>Brand and competitor base-year units must fit inside what each powertrain sold in the market.</summary>
        private void CheckMarketTotals()
        {
            foreach (var market in dataset.Markets.OrEmpty())
            {
                if (market.NewCarSales is null || market.BevShare is null || market.PhevShare is null)
                {
                    continue;
                }
                At($"{DatasetLoader.MarketsFolder}/{market.Id}.json", $"market {market.Id}");
                foreach (var powertrain in Powertrains.All)
                {
                    var volume = market.NewCarSales.Value * powertrain switch
                    {
                        Powertrain.Bev => market.BevShare.Value,
                        Powertrain.Phev => market.PhevShare.Value,
                        _ => 1 - market.BevShare.Value - market.PhevShare.Value,
                    };
                    var brands = dataset.Brands.OrEmpty()
                        .SelectMany(b => b.Markets.OrEmpty().Where(p => p.Market == market.Id))
                        .SelectMany(p => p.Sales.OrEmpty().Where(s => s.Powertrain == powertrain))
                        .Sum(s => s.Units?.Value ?? 0);
                    var offers = market.Competitors.OrEmpty().SelectMany(c => c.Offers.OrEmpty()).Where(o => o.Powertrain == powertrain).ToList();
                    var explicitUnits = offers.Sum(o => o.Units?.Value ?? 0);
                    var hasResidual = offers.Any(o => o.ResidualShare is { Value: > 0 });
                    var given = brands + explicitUnits;
                    if (given > volume * 1.005 + 1)
                    {
                        Error($"sales.{powertrain.Code()}", $"brands ({brands:0}) and competitors ({explicitUnits:0}) sell more than the market's {powertrain.Code()} volume ({volume:0})");
                    }
                    else if (!hasResidual && volume - given > Math.Max(1, volume * 0.005))
                    {
                        Error($"competitors.{powertrain.Code()}", $"{volume - given:0} {powertrain.Code()} vehicles are not assigned to any brand or competitor (give a competitor a residualShare)");
                    }
                }
            }
        }

        private void CheckCalibrationTargets()
        {
            At(DatasetLoader.ManifestFile, "dataset");
            foreach (var (target, i) in dataset.Manifest.CalibrationTargets.OrEmpty().Select((x, i) => (x, i)))
            {
                var field = $"calibrationTargets[{i}]";
                _entity = $"calibration target {target.Id}";
                if (target.Brand is { } brand && !_brandIds.Contains(brand))
                {
                    Error(field + ".brand", $"unknown brand '{brand}'");
                }
                foreach (var market in target.Markets.OrEmpty())
                {
                    if (!_marketIds.Contains(market) && !_regionIds.Contains(market) && !_unionIds.Contains(market))
                    {
                        Error(field + ".markets", $"unknown market, region or customs union '{market}'");
                    }
                }
                if (target.Tolerance is <= 0 or >= 1)
                {
                    Error(field + ".tolerance", $"{target.Tolerance} must be a relative tolerance in (0, 1)");
                }
                Point(target.Value, field + ".value", Range.Positive, "vehicles");
            }
        }

        private void Point(DataPoint? point, string field, Range range, string? unit, bool required = true)
        {
            if (point is null)
            {
                if (required)
                {
                    Error(field, "missing value");
                }
                return;
            }
            if (!double.IsFinite(point.Value))
            {
                Error(field + ".value", $"{point.Value} is not a finite number");
            }
            else
            {
                var (ok, expected) = range switch
                {
                    Range.Share => (point.Value is >= 0 and <= 1, "a share in [0, 1]"),
                    Range.NonNegative => (point.Value >= 0, "non-negative"),
                    Range.Positive => (point.Value > 0, "positive"),
                    Range.Rate => (point.Value is >= 0 and <= 10, "a rate in [0, 10]"),
                    Range.Growth => (point.Value is >= -0.5 and <= 0.5, "a yearly rate in [-0.5, 0.5]"),
                    _ => (true, ""),
                };
                if (!ok)
                {
                    Error(field + ".value", $"{point.Value} is out of range: expected {expected}");
                }
            }
            if (string.IsNullOrWhiteSpace(point.Unit))
            {
                Error(field + ".unit", "missing unit");
            }
            else if (unit is not null && point.Unit != unit)
            {
                Error(field + ".unit", $"unit '{point.Unit}' but this field is in '{unit}'");
            }
            if (string.IsNullOrWhiteSpace(point.Source))
            {
                Error(field + ".source", "missing source: name a source, or an assumption with its rationale, in sources.json");
            }
            else if (SourceRef(point.Source, field + ".source") is { } source)
            {
                if (point.Status == DataStatus.A && source.Kind != SourceKind.Assumption)
                {
                    Error(field + ".status", $"status A must refer to an assumption, but '{source.Id}' is a source");
                }
                if (point.Status is DataStatus.V or DataStatus.D or DataStatus.C && source.Kind != SourceKind.Source)
                {
                    Error(field + ".status", $"status {point.Status} must refer to a source, but '{source.Id}' is an assumption");
                }
            }
            if (point.Status is DataStatus.D or DataStatus.R && string.IsNullOrWhiteSpace(point.Note))
            {
                Error(field + ".note", point.Status == DataStatus.D ? "a derived value shows its calculation in note" : "an unchecked value says so in note");
            }
            if (point.Status == DataStatus.C)
            {
                if (point.Alternatives.OrEmpty().IsEmpty)
                {
                    Error(field + ".alternatives", "a conflicting value keeps the other sources' values in alternatives");
                }
                foreach (var alternative in point.Alternatives.OrEmpty())
                {
                    if (!double.IsFinite(alternative.Value))
                    {
                        Error(field + ".alternatives", "an alternative value is not a finite number");
                    }
                    SourceRef(alternative.Source, field + ".alternatives.source");
                }
            }
        }

        private SourceEntry? SourceRef(string? id, string field)
        {
            if (string.IsNullOrWhiteSpace(id))
            {
                Error(field, "missing source");
                return null;
            }
            if (!_sources.TryGetValue(id, out var source))
            {
                Error(field, $"unknown source '{id}' (add it to sources.json)");
                return null;
            }
            _usedSources.Add(id);
            return source;
        }

        private void BrandRefs(ImmutableArray<string> brands, string field)
        {
            foreach (var brand in brands.OrEmpty())
            {
                if (!_brandIds.Contains(brand))
                {
                    Error(field, $"unknown brand '{brand}'");
                }
            }
        }

        private void Dates(DateOnly from, DateOnly? to, string field, string fromName = "validFrom", string toName = "validTo")
        {
            if (to is { } end && end <= from)
            {
                Error($"{field}.{toName}", $"{end:yyyy-MM-dd} is not after {fromName} {from:yyyy-MM-dd}");
            }
        }

        private void Years(IEnumerable<int> years, string field)
        {
            var previous = int.MinValue;
            foreach (var year in years)
            {
                if (year <= previous)
                {
                    Error(field, $"years must increase ({year} after {previous})");
                }
                if (year < dataset.Manifest.BaseYear - 15 || year > dataset.Manifest.MaxHorizon)
                {
                    Error(field, $"year {year} is outside {dataset.Manifest.BaseYear - 15}..{dataset.Manifest.MaxHorizon}");
                }
                previous = year;
            }
        }

        private void NonEmpty<T>(ImmutableArray<T> items, string field)
        {
            if (items.OrEmpty().IsEmpty)
            {
                Error(field, "must not be empty");
            }
        }

        private void OnePerPowertrain(IEnumerable<Powertrain> powertrains, string field)
        {
            var seen = new HashSet<Powertrain>();
            foreach (var powertrain in powertrains)
            {
                if (!seen.Add(powertrain))
                {
                    Error(field, $"{powertrain.Code()} is listed twice");
                }
            }
        }

        private void At(string file, string entity)
        {
            _file = file;
            _entity = entity;
        }

        private void Error(string field, string message) => Errors.Add(new DataIssue(_file, _entity, field, message));

        private void Warn(string field, string message) => Warnings.Add(new DataIssue(_file, _entity, field, message));
    }
}
