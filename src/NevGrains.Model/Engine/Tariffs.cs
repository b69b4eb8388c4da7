using System.Collections.Immutable;
using NevGrains.Model.Data;
using NevGrains.Model.Scenarios;

namespace NevGrains.Model.Engine;

/// <summary>One way a group may charge a car: the waterfall picks the first that applies (threshold met; inside its quota).</summary>
public readonly record struct DutyCandidate(double Rate, double MinPerUnit, double Threshold, int QuotaKey, double MinImportPrice);

/// <summary>
/// What a route (brand, plant, market, powertrain) pays in one year: for each quarter, rule groups that stack, each an ordered
/// list of alternatives. Quarter sampling makes a rule that starts mid-year count for the part of the year it applies.
/// </summary>
public sealed class DutyPlan
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
public sealed record QuotaInfo(int Key, string Name, double UnitsPerYear, double ValueUsdPerYear, DateOnly From, DateOnly? To)
{
    public double ShareOfYear(int year) => YearDates.ShareOfYear(year, From, To);
}

/// <summary>
/// Builds duty plans from the tariff schedules and a scenario's tariff levers. One instance per scenario (the base one is cached
/// with the compiled baseline); plans are computed on first use and kept.
/// </summary>
public sealed class TariffBook
{
    private readonly CompiledBaseline _compiled;
    private readonly ImmutableArray<Lever> _levers;
    private readonly List<QuotaInfo> _quotas = [];
    private readonly Dictionary<string, int> _quotaKeys = new(StringComparer.Ordinal);
    private readonly DutyPlan?[] _plans;
    private readonly int _years;

    public TariffBook(CompiledBaseline compiled, IEnumerable<Lever> levers, int plantCount)
    {
        _compiled = compiled;
        _levers = [.. levers.Where(IsTariffLever)];
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
    }

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

    /// <summary>The duty plan of a route in a year; thread-safe (a plan computed twice is computed identically).</summary>
    public DutyPlan Plan(BrandInfo brand, PlantInfo plant, MarketInfo market, Powertrain powertrain, int yearIndex)
    {
        var slot = ((plant.Index * _compiled.Markets.Length + market.Index) * Powertrains.Count + (int)powertrain) * _years + yearIndex;
        return _plans[slot] ??= Build(brand, plant, market, powertrain, _compiled.BaseYear + yearIndex);
    }

    private DutyPlan Build(BrandInfo brand, PlantInfo plant, MarketInfo market, Powertrain powertrain, int year)
    {
        GoodsForm goods;
        if (plant.Market == market.Index)
        {
            if (plant.AssemblyMode == GoodsForm.Cbu)
            {
                return DutyPlan.Free;
            }
            goods = plant.AssemblyMode; // kits: the imported share pays the kit duty
        }
        else if (_compiled.IsDomestic(market, plant.Country))
        {
            return DutyPlan.Free;
        }
        else
        {
            goods = GoodsForm.Cbu;
        }
        // Kits come from the brand's Chinese plants; built-up cars come from the plant's country.
        var origin = goods == GoodsForm.Cbu ? plant.Country : "CN";

        var candidates = new List<DutyCandidate>();
        var groupEnds = new List<int>();
        var quarterEnds = new int[4];
        var quarter = 0;
        foreach (var date in YearDates.QuarterMidpoints(year))
        {
            AddQuarter(brand, market, powertrain, goods, origin, date, candidates, groupEnds);
            quarterEnds[quarter++] = groupEnds.Count;
        }
        return candidates.Count == 0 ? DutyPlan.Free : new DutyPlan([.. candidates], [.. groupEnds], quarterEnds);
    }

    private void AddQuarter(BrandInfo brand, MarketInfo market, Powertrain powertrain, GoodsForm goods, string origin, DateOnly date,
        List<DutyCandidate> candidates, List<int> groupEnds)
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

        var territory = Territory(market);
        var groups = new Dictionary<string, List<(TariffRule Rule, string Jurisdiction)>>(StringComparer.Ordinal);
        foreach (var jurisdiction in Jurisdictions(market))
        {
            if (!_compiled.TariffsByJurisdiction.TryGetValue(jurisdiction, out var rules))
            {
                continue;
            }
            foreach (var rule in rules)
            {
                if (Applies(rule, jurisdiction, brand, powertrain, goods, origin, date, territory))
                {
                    if (!groups.TryGetValue(rule.Group, out var list))
                    {
                        groups[rule.Group] = list = [];
                    }
                    list.Add((rule, jurisdiction));
                }
            }
        }

        foreach (var (group, rules) in groups.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var ordered = rules.OrderByDescending(r => Specificity(r.Rule)).ThenBy(r => r.Rule.Id, StringComparer.Ordinal).ToList();
            if (ordered.Any(r => r.Rule.Kind == TariffKind.Countervailing))
            {
                AddUndertakings(brand, market, powertrain, date, candidates);
            }
            foreach (var (rule, jurisdiction) in ordered)
            {
                var quotaKey = rule.QuotaUnits is not null || rule.QuotaValueUsd is not null ? _quotaKeys[$"{jurisdiction}:{rule.Id}"] : -1;
                candidates.Add(new DutyCandidate(rule.AdValorem.Value, rule.MinPerUnitUsd?.Value ?? 0, rule.MinCustomsValueUsd?.Value ?? 0,
                    quotaKey, rule.MinImportPriceUsd?.Value ?? 0));
            }
            groupEnds.Add(candidates.Count);
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
                && Jurisdictions(market).Contains(undertaking.Jurisdiction)
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
        if (rule.RequiresEnrollment && !Enrolled(jurisdiction, rule.Id, brand, date))
        {
            return false;
        }
        if (LiftedByLever(jurisdiction, rule.Group, brand, date))
        {
            return false;
        }
        var exempt = rule.Exemptions.OrEmpty().Any(e => e.Brand == brand.Id) && !ExemptionRevoked(jurisdiction, rule.Group, brand, date);
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
        Jurisdictions(market).Contains(lever.Jurisdiction)
        && lever.Goods == goods
        && lever.From <= date && (lever.To is null || date < lever.To)
        && (lever.Brands.IsDefaultOrEmpty || lever.Brands.Contains(brand.Id))
        && (lever.Powertrains.IsDefaultOrEmpty || lever.Powertrains.Contains(powertrain))
        && OriginMatches(lever.Origins.IsDefaultOrEmpty ? ["CN"] : lever.Origins, origin, Territory(market));

    private static int Specificity(TariffRule rule) =>
        (rule.Brands.IsDefaultOrEmpty ? 0 : 8) + (rule.RequiresEnrollment ? 4 : 0)
        + (rule.MinCustomsValueUsd is null ? 0 : 2) + (rule.QuotaUnits is null && rule.QuotaValueUsd is null ? 0 : 1);

    /// <summary>The jurisdictions whose rules apply in a market: its own and its customs union's.</summary>
    public static ImmutableArray<string> Jurisdictions(MarketInfo market) =>
        market.CustomsUnion is { } union ? [market.Id, union] : [market.Id];

    private IReadOnlySet<string> Territory(MarketInfo market) =>
        market.CustomsUnion is { } union && _compiled.CustomsUnions.TryGetValue(union, out var members)
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
