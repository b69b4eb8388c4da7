using System.Collections.Immutable;
using NevGrains.Model.Data;
using NevGrains.Model.Scenarios;

namespace NevGrains.Model.Engine;

/// <summary>One way a group may charge a car: the waterfall picks the first that applies (threshold met; inside its quota).</summary>
internal readonly record struct DutyCandidate(double Rate, double MinPerUnit, double Threshold, int QuotaKey, double MinImportPrice);

/// <summary>
/// What a route (brand, plant, market, powertrain) pays in one year: for each quarter, rule groups that stack, each an ordered
/// list of alternatives. Quarter sampling makes a rule that starts mid-year count for the part of the year it applies.
/// </summary>
internal sealed class DutyPlan
{
    public static readonly DutyPlan Free = new([], [], [0, 0, 0, 0]);

    private readonly DutyCandidate[] _candidates;
    private readonly int[] _groupEnds;
    private readonly int[] _quarterEnds;

    internal DutyPlan(DutyCandidate[] candidates, int[] groupEnds, int[] quarterEnds)
    {
        _candidates = candidates;
        _groupEnds = groupEnds;
        _quarterEnds = quarterEnds;
        QuotaKeys = [.. candidates.Where(c => c.QuotaKey >= 0).Select(c => c.QuotaKey).Distinct()];
    }

    public bool IsFree => _candidates.Length == 0;

    public bool HasQuota => QuotaKeys.Length > 0;

    /// <summary>Quota keys this plan can draw on.</summary>
    public int[] QuotaKeys { get; }

    /// <summary>The yearly average duty per car at a customs value, and the minimum import price that applies (0 if none).</summary>
    public (double Duty, double MinImportPrice) Evaluate(double customsValue, ReadOnlySpan<double> quotaFill)
    {
        if (_candidates.Length == 0)
        {
            return (0, 0);
        }
        double duty = 0, mip = 0;
        var group = 0;
        for (var q = 0; q < 4; q++)
        {
            for (; group < _quarterEnds[q]; group++)
            {
                var start = group == 0 ? 0 : _groupEnds[group - 1];
                var remaining = 1.0;
                for (var c = start; c < _groupEnds[group] && remaining > 0; c++)
                {
                    var candidate = _candidates[c];
                    if (candidate.Threshold > 0 && customsValue < candidate.Threshold)
                    {
                        continue;
                    }
                    var dutyBase = Math.Max(customsValue, candidate.MinImportPrice);
                    var charge = Math.Max(candidate.Rate * dutyBase, candidate.MinPerUnit);
                    var share = candidate.QuotaKey >= 0 ? remaining * quotaFill[candidate.QuotaKey] : remaining;
                    duty += share * charge;
                    mip += share * candidate.MinImportPrice;
                    remaining -= share;
                }
            }
        }
        return (duty / 4, mip / 4);
    }
}

/// <summary>A yearly quota shared by every route that may use it: in units, or in customs value converted at the routes' average value.</summary>
internal sealed record QuotaInfo(int Key, string Name, double UnitsPerYear, double ValueUsdPerYear, DateOnly From, DateOnly? To)
{
    public double ShareOfYear(int year) => YearDates.ShareOfYear(year, From, To);
}

/// <summary>
/// Builds duty plans from the tariff schedules and a scenario's tariff levers. One instance per scenario (the base one is cached
/// with the compiled baseline); plans are computed on first use and kept.
/// </summary>
internal sealed class TariffBook
{
    private readonly CompiledBaseline _compiled;
    private readonly ImmutableArray<Lever> _levers;
    private readonly List<QuotaInfo> _quotas = [];
    private readonly Dictionary<string, int> _quotaKeys = new(StringComparer.Ordinal);
    private readonly DutyPlan?[] _plans;
    private readonly int _years;

    private readonly TariffBook? _base;
    private readonly HashSet<string> _touched = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<PlantInfo> _plants;
    private readonly double _originLocalContent;
    private readonly bool[] _samePlant;
    private readonly DutyPlan?[] _kitPlans;

    /// <param name="plants">The scenario's plants (levers may change their local content and so the origin of what they export).</param>
    /// <param name="originLocalContent">Local content at which kit-assembled cars take their plant's country as origin (trade.originLocalContent).</param>
    /// <param name="baseBook">The baseline's book: plans of unchanged plants in markets no lever touches are taken from it rather than rebuilt.</param>
    public TariffBook(CompiledBaseline compiled, IEnumerable<Lever> levers, IReadOnlyList<PlantInfo> plants, double originLocalContent, TariffBook? baseBook = null)
    {
        _compiled = compiled;
        _plants = plants;
        _originLocalContent = originLocalContent;
        _base = baseBook is not null && baseBook._originLocalContent == originLocalContent ? baseBook : null;
        var plantCount = plants.Count;
        _samePlant = new bool[plantCount];
        for (var i = 0; i < plantCount; i++)
        {
            // Duties depend on a plant's country, assembly mode and local content (its origin), not on its capacity.
            _samePlant[i] = i < compiled.Plants.Length && plants[i].AssemblyMode == compiled.Plants[i].AssemblyMode
                            && plants[i].LocalContent.AsSpan().SequenceEqual(compiled.Plants[i].LocalContent.AsSpan(0, plants[i].LocalContent.Length));
        }
        _kitPlans = new DutyPlan?[plantCount * Powertrains.Count * compiled.YearCount];
        _levers = [.. levers.Where(IsTariffLever)];
        foreach (var lever in _levers)
        {
            _touched.Add(lever switch
            {
                TariffLever l => l.Jurisdiction,
                TariffRemovalLever l => l.Jurisdiction,
                PriceUndertakingLever l => l.Jurisdiction,
                TariffExemptionLever l => l.Jurisdiction,
                EnrollmentLever l => l.Jurisdiction,
                _ => "",
            });
        }
        _years = compiled.YearCount;
        _plans = new DutyPlan?[plantCount * compiled.Markets.Length * Powertrains.Count * _years];
        foreach (var schedule in compiled.TariffsByJurisdiction)
        {
            foreach (var rule in schedule.Value)
            {
                if (rule.QuotaUnits is not null || rule.QuotaValueUsd is not null)
                {
                    Quota($"{schedule.Key}:{rule.Id}", rule.QuotaUnits?.Value ?? 0, rule.QuotaValueUsd?.Value ?? 0, rule.ValidFrom, rule.ValidTo);
                }
            }
        }
        for (var i = 0; i < _levers.Length; i++)
        {
            if (_levers[i] is PriceUndertakingLever { QuotaUnits: { } units } undertaking)
            {
                Quota($"lever:{i}", units, 0, undertaking.From, undertaking.To);
            }
        }
        foreach (var (jurisdiction, rules) in compiled.TariffsByJurisdiction)
        {
            _sortedRules[jurisdiction] = [.. rules
                .Select(r => new SortedRule(r, r.QuotaUnits is not null || r.QuotaValueUsd is not null ? _quotaKeys[$"{jurisdiction}:{r.Id}"] : -1))
                .OrderBy(r => r.Rule.Group, StringComparer.Ordinal)
                .ThenByDescending(r => Specificity(r.Rule))
                .ThenBy(r => r.Rule.Id, StringComparer.Ordinal)];
        }
        _jurisdictions = [.. compiled.Markets.Select(Jurisdictions)];
        _territories = [.. compiled.Markets.Select(m => Territory(compiled, m))];
        _hasLifts = _levers.Any(l => l is TariffRemovalLever or TariffExemptionLever or EnrollmentLever);
        _changeYears = [.. compiled.Markets.Select(m => ChangeYears(compiled, m, _levers))];
    }

    private readonly HashSet<int>[] _changeYears;

    private readonly Dictionary<string, SortedRule[]> _sortedRules = new(StringComparer.Ordinal);
    private readonly ImmutableArray<string>[] _jurisdictions;
    private readonly IReadOnlySet<string>[] _territories;
    private readonly bool _hasLifts;

    /// <summary>A rule in the order a group's waterfall tries it, with its quota key.</summary>
    internal readonly record struct SortedRule(TariffRule Rule, int QuotaKey);

    public IReadOnlyList<QuotaInfo> Quotas => _quotas;

    /// <summary>Whether a lever changes duties (and so needs its own book rather than the cached base one).</summary>
    public static bool IsTariffLever(Lever lever) =>
        lever is TariffLever or TariffRemovalLever or PriceUndertakingLever or TariffExemptionLever or EnrollmentLever;

    private int Quota(string name, double units, double value, DateOnly from, DateOnly? to)
    {
        var key = _quotas.Count;
        _quotas.Add(new QuotaInfo(key, name, units, value, from, to));
        _quotaKeys[name] = key;
        return key;
    }

    /// <summary>
    /// The import duty plan of a car built at <paramref name="plant"/> and sold in <paramref name="market"/> (docs/model.md, section 5.2):
    /// nothing inside the plant's customs territory (a kit plant's kit duty is paid once, at the plant: <see cref="KitPlan"/>);
    /// elsewhere the market's rules for a built-up car of the plant's origin. Thread-safe (a plan computed twice is computed identically).
    /// </summary>
    public DutyPlan Plan(BrandInfo brand, PlantInfo plant, MarketInfo market, Powertrain powertrain, int yearIndex)
    {
        if (_base is not null && _samePlant[plant.Index] && !Touches(market))
        {
            return _base.Plan(brand, plant, market, powertrain, yearIndex);
        }
        var slot = ((plant.Index * _compiled.Markets.Length + market.Index) * Powertrains.Count + (int)powertrain) * _years + yearIndex;
        return _plans[slot] ??= BuildImport(brand, plant, market, powertrain, yearIndex);
    }

    /// <summary>
    /// The duty a kit plant (SKD/CKD) pays on the imported share of each car it builds, under the rules of the plant's own market for
    /// kits from China. The same for every car of the plant, wherever it is sold; free for plants that build cars (CBU).
    /// </summary>
    public DutyPlan KitPlan(BrandInfo brand, PlantInfo plant, Powertrain powertrain, int yearIndex)
    {
        if (plant.AssemblyMode == GoodsForm.Cbu || plant.Market < 0)
        {
            return DutyPlan.Free;
        }
        var market = _compiled.Markets[plant.Market];
        if (_base is not null && _samePlant[plant.Index] && !Touches(market))
        {
            return _base.KitPlan(brand, plant, powertrain, yearIndex);
        }
        var slot = (plant.Index * Powertrains.Count + (int)powertrain) * _years + yearIndex;
        return _kitPlans[slot] ??= Build(brand, market, powertrain, plant.AssemblyMode, "CN", _compiled.BaseYear + yearIndex);
    }

    /// <summary>
    /// The origin of a car a plant exports (docs/model.md, section 5.2): a plant that builds cars gives its own country; a kit plant gives its
    /// country once its local content reaches trade.originLocalContent, and China (where the kits come from) before.
    /// </summary>
    public string Origin(PlantInfo plant, int yearIndex) =>
        plant.AssemblyMode == GoodsForm.Cbu || plant.LocalContent[yearIndex] >= _originLocalContent - 1e-12 ? plant.Country : "CN";

    private DutyPlan BuildImport(BrandInfo brand, PlantInfo plant, MarketInfo market, Powertrain powertrain, int yearIndex)
    {
        if (plant.Market == market.Index || _compiled.IsDomestic(market, plant.Country))
        {
            return DutyPlan.Free;
        }
        return Build(brand, market, powertrain, GoodsForm.Cbu, Origin(plant, yearIndex), _compiled.BaseYear + yearIndex);
    }

    private DutyPlan Build(BrandInfo brand, MarketInfo market, Powertrain powertrain, GoodsForm goods, string origin, int year)
    {
        var candidates = new List<DutyCandidate>();
        var groupEnds = new List<int>();
        var applicable = new List<SortedRule>();
        var quarterEnds = new int[4];
        if (!ChangesWithin(market, year))
        {
            // Nothing starts or ends this year: one quarter's plan holds for all four.
            AddQuarter(brand, market, powertrain, goods, origin, new DateOnly(year, 7, 1), candidates, groupEnds, applicable);
            var perQuarter = candidates.Count;
            var groups = groupEnds.Count;
            for (var q = 1; q < 4; q++)
            {
                for (var g = 0; g < groups; g++)
                {
                    groupEnds.Add(groupEnds[g] + q * perQuarter);
                }
                candidates.AddRange(candidates.GetRange(0, perQuarter));
            }
            for (var q = 0; q < 4; q++)
            {
                quarterEnds[q] = (q + 1) * groups;
            }
        }
        else
        {
            var quarter = 0;
            foreach (var date in YearDates.QuarterMidpoints(year))
            {
                AddQuarter(brand, market, powertrain, goods, origin, date, candidates, groupEnds, applicable);
                quarterEnds[quarter++] = groupEnds.Count;
            }
        }
        return candidates.Count == 0 ? DutyPlan.Free : new DutyPlan([.. candidates], [.. groupEnds], quarterEnds);
    }

    private void AddQuarter(BrandInfo brand, MarketInfo market, Powertrain powertrain, GoodsForm goods, string origin, DateOnly date,
        List<DutyCandidate> candidates, List<int> groupEnds, List<SortedRule> applicable)
    {
        // A lever in replace mode overrides every duty on these cars.
        for (var i = _levers.Length - 1; i >= 0; i--)
        {
            if (_levers[i] is TariffLever { Mode: TariffMode.Replace } replace && Covers(replace, market, brand, powertrain, goods, origin, date))
            {
                candidates.Add(new DutyCandidate(replace.Rate, replace.MinPerUnitUsd ?? 0, 0, -1, 0));
                groupEnds.Add(candidates.Count);
                return;
            }
        }

        var territory = _territories[market.Index];
        foreach (var jurisdiction in _jurisdictions[market.Index])
        {
            if (!_sortedRules.TryGetValue(jurisdiction, out var rules))
            {
                continue;
            }
            // Rules are sorted by group, then specificity: collect one group's applicable rules, then emit them.
            for (var i = 0; i < rules.Length;)
            {
                var group = rules[i].Rule.Group;
                applicable.Clear();
                var countervailing = false;
                for (; i < rules.Length && rules[i].Rule.Group == group; i++)
                {
                    if (Applies(rules[i].Rule, jurisdiction, brand, powertrain, goods, origin, date, territory))
                    {
                        applicable.Add(rules[i]);
                        countervailing |= rules[i].Rule.Kind == TariffKind.Countervailing;
                    }
                }
                if (applicable.Count == 0)
                {
                    continue;
                }
                if (countervailing)
                {
                    AddUndertakings(brand, market, powertrain, date, candidates);
                }
                foreach (var sorted in applicable)
                {
                    var rule = sorted.Rule;
                    candidates.Add(new DutyCandidate(rule.AdValorem.Value, rule.MinPerUnitUsd?.Value ?? 0, rule.MinCustomsValueUsd?.Value ?? 0,
                        sorted.QuotaKey, rule.MinImportPriceUsd?.Value ?? 0));
                }
                groupEnds.Add(candidates.Count);
            }
        }

        for (var i = 0; i < _levers.Length; i++)
        {
            if (_levers[i] is TariffLever { Mode: TariffMode.Add } add && Covers(add, market, brand, powertrain, goods, origin, date))
            {
                candidates.Add(new DutyCandidate(add.Rate, add.MinPerUnitUsd ?? 0, 0, -1, 0));
                groupEnds.Add(candidates.Count);
            }
        }
    }

    private void AddUndertakings(BrandInfo brand, MarketInfo market, Powertrain powertrain, DateOnly date, List<DutyCandidate> candidates)
    {
        for (var i = 0; i < _levers.Length; i++)
        {
            if (_levers[i] is PriceUndertakingLever undertaking
                && undertaking.Brand == brand.Id
                && _jurisdictions[market.Index].Contains(undertaking.Jurisdiction)
                && (undertaking.Powertrains.IsDefaultOrEmpty ? powertrain == Powertrain.Bev : undertaking.Powertrains.Contains(powertrain))
                && undertaking.From <= date && (undertaking.To is null || date < undertaking.To))
            {
                var key = undertaking.QuotaUnits is null ? -1 : _quotaKeys[$"lever:{i}"];
                candidates.Add(new DutyCandidate(0, 0, 0, key, undertaking.MinImportPriceUsd));
            }
        }
    }

    private bool Applies(TariffRule rule, string jurisdiction, BrandInfo brand, Powertrain powertrain, GoodsForm goods, string origin, DateOnly date, IReadOnlySet<string> territory)
    {
        if (rule.Goods != goods || !rule.Powertrains.Contains(powertrain) || date < rule.ValidFrom || (rule.ValidTo is { } to && date >= to))
        {
            return false;
        }
        if (!rule.Brands.IsDefaultOrEmpty && !rule.Brands.Contains(brand.Id))
        {
            return false;
        }
        if (!OriginMatches(rule.Origins, origin, territory) || (!rule.OriginsExcept.IsDefaultOrEmpty && OriginMatches(rule.OriginsExcept, origin, territory)))
        {
            return false;
        }
        if (rule.RequiresEnrollment && (!_hasLifts || !Enrolled(jurisdiction, rule.Id, brand, date)))
        {
            return false;
        }
        if (_hasLifts && LiftedByLever(jurisdiction, rule.Group, brand, date))
        {
            return false;
        }
        var exempt = false;
        foreach (var exemption in rule.Exemptions.OrEmpty())
        {
            exempt |= exemption.Brand == brand.Id;
        }
        if (!_hasLifts)
        {
            return !exempt;
        }
        exempt &= !ExemptionRevoked(jurisdiction, rule.Group, brand, date);
        return !exempt && !ExemptionGranted(jurisdiction, rule.Group, brand, date);
    }

    private bool Enrolled(string jurisdiction, string ruleId, BrandInfo brand, DateOnly date) =>
        _levers.OfType<EnrollmentLever>().Any(l => l.Jurisdiction == jurisdiction && l.Rule == ruleId && l.Brand == brand.Id && l.From <= date);

    private bool LiftedByLever(string jurisdiction, string group, BrandInfo brand, DateOnly date) =>
        _levers.OfType<TariffRemovalLever>().Any(l => l.Jurisdiction == jurisdiction && l.Group == group && l.From <= date
            && (l.Brands.IsDefaultOrEmpty || l.Brands.Contains(brand.Id)));

    private bool ExemptionRevoked(string jurisdiction, string group, BrandInfo brand, DateOnly date) =>
        _levers.OfType<TariffExemptionLever>().Any(l => !l.Exempt && l.Jurisdiction == jurisdiction && l.Brand == brand.Id && l.From <= date
            && (l.Group is null || l.Group == group));

    private bool ExemptionGranted(string jurisdiction, string group, BrandInfo brand, DateOnly date) =>
        _levers.OfType<TariffExemptionLever>().Any(l => l.Exempt && l.Jurisdiction == jurisdiction && l.Brand == brand.Id && l.From <= date
            && (l.Group is null || l.Group == group));

    private bool Covers(TariffLever lever, MarketInfo market, BrandInfo brand, Powertrain powertrain, GoodsForm goods, string origin, DateOnly date) =>
        _jurisdictions[market.Index].Contains(lever.Jurisdiction)
        && lever.Goods == goods
        && lever.From <= date && (lever.To is null || date < lever.To)
        && (lever.Brands.IsDefaultOrEmpty || lever.Brands.Contains(brand.Id))
        && (lever.Powertrains.IsDefaultOrEmpty || lever.Powertrains.Contains(powertrain))
        && OriginMatches(lever.Origins.IsDefaultOrEmpty ? ["CN"] : lever.Origins, origin, _territories[market.Index]);

    private static int Specificity(TariffRule rule) =>
        (rule.Brands.IsDefaultOrEmpty ? 0 : 8) + (rule.RequiresEnrollment ? 4 : 0)
        + (rule.MinCustomsValueUsd is null ? 0 : 2) + (rule.QuotaUnits is null && rule.QuotaValueUsd is null ? 0 : 1);

    /// <summary>Whether a rule or lever of the market's jurisdictions starts or ends during the year.</summary>
    private bool ChangesWithin(MarketInfo market, int year) => _changeYears[market.Index].Contains(year);

    private static HashSet<int> ChangeYears(CompiledBaseline compiled, MarketInfo market, ImmutableArray<Lever> levers)
    {
        var years = new HashSet<int>();
        void Add(DateOnly? date)
        {
            if (date is { } d && !(d.Month == 1 && d.Day == 1))
            {
                years.Add(d.Year);
            }
        }
        foreach (var jurisdiction in Jurisdictions(market))
        {
            foreach (var rule in compiled.TariffsByJurisdiction.GetValueOrDefault(jurisdiction, []))
            {
                Add(rule.ValidFrom);
                Add(rule.ValidTo);
            }
        }
        foreach (var lever in levers)
        {
            switch (lever)
            {
                case TariffLever l: Add(l.From); Add(l.To); break;
                case TariffRemovalLever l: Add(l.From); break;
                case PriceUndertakingLever l: Add(l.From); Add(l.To); break;
                case TariffExemptionLever l: Add(l.From); break;
                case EnrollmentLever l: Add(l.From); break;
            }
        }
        return years;
    }

    private bool Touches(MarketInfo market) =>
        _touched.Contains(market.Id) || (market.CustomsUnion is { } union && _touched.Contains(union));

    /// <summary>The jurisdictions whose rules apply in a market: its own and its customs union's.</summary>
    public static ImmutableArray<string> Jurisdictions(MarketInfo market) =>
        market.CustomsUnion is { } union ? [market.Id, union] : [market.Id];

    private static IReadOnlySet<string> Territory(CompiledBaseline compiled, MarketInfo market) =>
        market.CustomsUnion is { } union && compiled.CustomsUnions.TryGetValue(union, out var members)
            ? members.Add(market.Country)
            : new HashSet<string>(StringComparer.Ordinal) { market.Country };

    private bool OriginMatches(ImmutableArray<string> list, string origin, IReadOnlySet<string> territory)
    {
        foreach (var entry in list.OrEmpty())
        {
            if (entry == origin
                || (entry == "*" && !territory.Contains(origin))
                || (_compiled.CustomsUnions.TryGetValue(entry, out var members) && members.Contains(origin)))
            {
                return true;
            }
        }
        return false;
    }
}
