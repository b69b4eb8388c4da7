using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using NevGrains.Api.V1;
using NevGrains.Gateway.Tests.Support;
using NevGrains.TestSupport;

namespace NevGrains.Gateway.Tests.Examples;

/// <summary>
/// Reads every file in <c>examples/</c> the way API clients and <c>nev</c> do (the protobuf JSON mapping of
/// <c>nevgrains.v1</c>, the kind taken from the suffix), runs it through the gateway, and checks that each storyline moves
/// the numbers a planner would look at in the direction the source article and economics say. The figures in comments are
/// what the shipped baseline gives; docs/scenarios.md tabulates them.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed partial class ExampleFilesTests(GatewayFixture gateway)
{
    private static readonly string[] Eu = ["de", "fr", "it", "es", "hu", "pl", "se", "dk", "pt", "gr", "bg", "cy", "rest-europe"];
    private static readonly string[] ChineseBrands = ["byd", "saic", "chery", "geely", "leapmotor", "xpeng", "nio", "li-auto", "other-cn"];
    private static readonly string[] Kinds = [".scenario.json", ".sweep.json", ".montecarlo.json", ".sensitivity.json", ".jsonl", ".csv"];

    private readonly ScenarioService.ScenarioServiceClient scenarios = gateway.Scenarios();
    private readonly ExperimentService.ExperimentServiceClient experiments = gateway.Experiments();

    private static string Folder => Path.Combine(RepositoryPaths.Root, "examples");

    public static TheoryData<string> ScenarioFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Folder, "*.scenario.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }
        return data;
    }

    // ---------------------------------------------------------------- every file

    [Fact]
    public void Every_example_is_a_known_kind_within_the_limits_and_cites_its_sources()
    {
        var sourceIds = SourceIds();
        var files = Directory.GetFiles(Folder).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        var described = new List<(string Where, Scenario Scenario)>();
        foreach (var file in files)
        {
            var kind = Kinds.FirstOrDefault(k => file.EndsWith(k, StringComparison.Ordinal));
            Assert.True(kind is not null, $"{file}: not one of the kinds {string.Join(", ", Kinds)}");
            switch (kind)
            {
                case ".scenario.json":
                    described.Add((file, Load<Scenario>(file)));
                    break;
                case ".sweep.json":
                    var sweep = Load<SweepSpec>(file);
                    var points = sweep.Axes.Aggregate(1L, (n, a) => n * a.Values.Count);
                    Assert.True(points is > 1 and <= 100, $"{file}: {points} points (examples stay within 100)");
                    described.Add((file, sweep.Scenario));
                    break;
                case ".montecarlo.json":
                    var monteCarlo = Load<MonteCarloSpec>(file);
                    Assert.True(monteCarlo.Draws is > 0 and <= 200, $"{file}: {monteCarlo.Draws} draws (examples stay within 200)");
                    Assert.True(2L * monteCarlo.Draws <= GatewayFixture.MaxExperimentRuns, $"{file}: a draw is two runs");
                    Assert.True(monteCarlo.Seed != 0, $"{file}: give a fixed seed");
                    Assert.NotEmpty(monteCarlo.Thresholds);
                    described.Add((file, monteCarlo.Scenario));
                    break;
                case ".sensitivity.json":
                    var sensitivity = Load<RunSensitivityRequest>(file);
                    Assert.True(sensitivity.DatasetVersion.Length == 0, $"{file}: leave datasetVersion out (runs on the current dataset)");
                    described.Add((file, sensitivity.Scenario));
                    break;
                case ".jsonl":
                    foreach (var (line, number) in JsonLines(file))
                    {
                        described.Add(($"{file}:{number}", JsonParser.Default.Parse<Scenario>(line)));
                    }
                    break;
                case ".csv":
                    Assert.True(File.Exists(Path.Combine(Folder, TemplateOf(file))), $"{file}: its template {TemplateOf(file)} is missing");
                    break;
            }
        }
        foreach (var kind in Kinds)
        {
            Assert.Contains(files, f => f.EndsWith(kind, StringComparison.Ordinal));
        }

        foreach (var (where, scenario) in described)
        {
            Assert.False(string.IsNullOrWhiteSpace(scenario.Name), $"{where}: a scenario needs a name");
            Assert.True(scenario.Horizon is >= 2026 and <= 2030, $"{where}: horizon {scenario.Horizon} (set it; examples stay within 2030)");
            var description = scenario.Description;
            Assert.Contains("ssumption", description, StringComparison.Ordinal);
            var cited = Citations(description).ToList();
            Assert.True(cited.Count > 0 || description.Contains("facts/FACTS.md", StringComparison.Ordinal),
                $"{where}: the description cites neither a source id from data/baseline/sources.json nor facts/FACTS.md");
            var unknown = cited.Where(id => !sourceIds.Contains(id)).ToList();
            Assert.True(unknown.Count == 0, $"{where}: cites unknown source ids {string.Join(", ", unknown)}");
        }
    }

    [Theory]
    [MemberData(nameof(ScenarioFiles))]
    public async Task A_scenario_file_runs_against_the_base_and_changes_something(string file)
    {
        var scenario = Load<Scenario>(file);

        var response = await scenarios.CompareScenarioAsync(new CompareScenarioRequest { Scenario = scenario });

        Assert.Equal(scenario.Name, response.Scenario);
        Assert.NotEmpty(response.Cells);
        Assert.All(response.Cells, c => Assert.InRange(c.Year, 2025, scenario.Horizon));
        Assert.Contains(response.Cells, c => Math.Abs(c.ScenarioUnits - c.BaseUnits) > 1
                                             || Math.Abs(c.ScenarioTariffPaidUsd - c.BaseTariffPaidUsd) > 1);
        // Every year's equilibrium reaches the tolerance, in the scenario's run and in the base's: the figures the storylines
        // and docs/scenarios.md quote are solved, not a solver's last iterate.
        Assert.True(response.Diagnostics.Converged, $"{file}: the scenario's run did not converge: {NotConverged(response.Diagnostics)}");
        Assert.True(response.BaseDiagnostics.Converged, $"{file}: the base's run did not converge: {NotConverged(response.BaseDiagnostics)}");
    }

    // ---------------------------------------------------------------- storylines

    [Fact]
    public async Task Szeged_late_and_a_minimum_price_cost_byd_eu_volume_but_not_margin()
    {
        var scenario = Load<Scenario>("byd-szeged-eu-duty.scenario.json");
        var (baseline, result) = await RunWithBase(scenario, new ResultFilter { Owners = { "byd" }, Markets = { Eu } });

        // The plant's capacity path moves a year: 2027 gets what 2026 had.
        Assert.Equal(Plant(baseline, "byd-szeged", 2026).Capacity, Plant(result, "byd-szeged", 2027).Capacity, 0);
        Assert.True(Plant(result, "byd-szeged", 2027).Units < Plant(baseline, "byd-szeged", 2027).Units);

        foreach (var year in new[] { 2027, 2028 })
        {
            // 2027: 257k -> 256k (China-built cars at the floor replace most of Szeged's); 2028: 345k -> 329k.
            Change(baseline, result, "byd", Eu, year, Units).Between(-0.35, 0, $"BYD EU units {year}");
            // Fewer Szeged cars: more come from China.
            Change(baseline, result, "byd", Eu, year, c => c.ChinaBuiltUnits).Above(0.005, $"BYD EU China-built units {year}");
        }
        // The minimum price hands the countervailing duty to BYD as a higher price: more margin. Duties in all rise (2027: USD 371 M
        // -> 391 M), since the cars Szeged cannot build yet come from China and pay the 10% MFN duty.
        Change(baseline, result, "byd", Eu, 2027, c => c.GrossMarginUsd).Above(0.02, "BYD EU gross margin 2027");
    }

    [Fact]
    public async Task Saic_shifts_its_eu_sales_to_plug_in_hybrids_and_pays_less_duty_per_car()
    {
        var scenario = Load<Scenario>("saic-mg-phev-shift.scenario.json");
        var (baseline, result) = await RunWithBase(scenario, new ResultFilter { Owners = { "saic", "byd" }, Markets = { Eu }, Years = { 2027, 2030 } });

        foreach (var year in new[] { 2027, 2030 })
        {
            // 2027: PHEV 39k -> 69k, BEV 47k -> 40k; 2030: PHEV 54k -> 97k, BEV 126k -> 103k.
            Change(baseline, result, "saic", Eu, year, c => c.PhevUnits).Above(0.30, $"SAIC EU PHEV units {year}");
            Change(baseline, result, "saic", Eu, year, c => c.BevUnits).Below(-0.05, $"SAIC EU BEV units {year}");
        }
        // While the CVD is in force (to 30 Oct 2029), the PHEV shift lowers MG's duty per car (2027: USD 2,349 -> 2,136).
        var dutyPerCar = (ScenarioResult r) => Sum(r, "saic", Eu, 2027, c => c.TariffPaidUsd) / Sum(r, "saic", Eu, 2027, Units);
        Assert.True(dutyPerCar(result) < 0.97 * dutyPerCar(baseline), $"SAIC EU duty per car 2027: base {dutyPerCar(baseline):N0}, scenario {dutyPerCar(result):N0}");
        // MG's cheaper PHEV takes plug-in buyers from others, e.g. BYD (2027: 128.3k -> 126.8k).
        Change(baseline, result, "byd", Eu, 2027, c => c.PhevUnits).Below(0, "BYD EU PHEV units 2027");
    }

    [Fact]
    public async Task Brazils_step_to_35_percent_cuts_byds_china_built_imports_and_fills_camacari()
    {
        // The file holds the duty below 35%; the base has the step, so base minus scenario is the step's effect.
        var scenario = Load<Scenario>("brazil-35-duty-byd-camacari.scenario.json");
        var (withStep, heldBelow) = await RunWithBase(scenario, new ResultFilter { Owners = { "byd" }, Markets = { "br" } });

        foreach (var year in new[] { 2027, 2028, 2029 })
        {
            // 2027: 38k China-built with the step, 109k without; Camacari 150k (full) vs 100k; 2029: 28k vs 202k, 300k vs 164k.
            var importsWith = Sum(withStep, "byd", ["br"], year, c => c.ChinaBuiltUnits);
            var importsWithout = Sum(heldBelow, "byd", ["br"], year, c => c.ChinaBuiltUnits);
            Assert.True(importsWith < 0.8 * importsWithout, $"BYD China-built cars in Brazil {year}: with the step {importsWith:N0}, without {importsWithout:N0}");
            var plantWith = Plant(withStep, "byd-camacari", year).Units;
            var plantWithout = Plant(heldBelow, "byd-camacari", year).Units;
            Assert.True(plantWith > plantWithout + 10_000, $"Camacari output {year}: with the step {plantWith:N0}, without {plantWithout:N0}");
            // BYD's Brazilian sales move much less than its sourcing (2027: 188k vs 209k, -10%; 2028 and 2029 -10%): Camacari's
            // output is sold at a scarcity rent either way, the step prices the marginal, imported car.
            Change(heldBelow, withStep, "byd", ["br"], year, Units).Between(-0.20, 0, $"BYD units in Brazil {year}, step vs no step");
        }
    }

    [Fact]
    public async Task Thailands_offset_kept_at_1_to_3_caps_byds_imports_once_they_exceed_a_third_of_rayong()
    {
        var scenario = Load<Scenario>("thailand-ev35-offset.scenario.json");
        var (baseline, result) = await RunWithBase(scenario, new ResultFilter { Owners = { "byd" }, Markets = { "th" } });

        // 2028: BYD imports 33k into Thailand, less than Rayong's 150k / 3, so the rule does not bind.
        Change(baseline, result, "byd", ["th"], 2028, Units).Between(-0.001, 0.001, "BYD units in Thailand 2028");
        foreach (var year in new[] { 2029, 2030 })
        {
            // Imports may be at most Rayong's output / 3 (50k); the cap is a constraint of the allocation, so they end on it
            // (2029 and 2030: 50.0k; base 75k and 121k).
            var allowed = Plant(result, "byd-rayong", year).Units / 3;
            var imports = Sum(result, "byd", ["th"], year, c => c.ChinaBuiltUnits);
            Assert.True(imports <= 1.001 * allowed + 1, $"BYD China-built cars in Thailand {year}: {imports:N0}, allowed {allowed:N0}");
            Assert.True(Sum(baseline, "byd", ["th"], year, c => c.ChinaBuiltUnits) > 1.3 * allowed, $"the cap binds in {year}");
            // BYD re-routes rather than shrinks (2029: 116k -> 119k, 2030: 138k -> 149k): Rayong's cars go to Thailand instead of
            // Indonesia, Subang serves Indonesia, and BYD takes buyers from other-cn, whose imports the rule cuts harder. So what
            // the rule changes is where BYD's Thai cars are built.
            var localBefore = Sum(baseline, "byd", ["th"], year, c => c.LocallyBuiltShare * Units(c)) / Sum(baseline, "byd", ["th"], year, Units);
            var localAfter = Sum(result, "byd", ["th"], year, c => c.LocallyBuiltShare * Units(c)) / Sum(result, "byd", ["th"], year, Units);
            Assert.True(localAfter > localBefore + 0.1, $"BYD's locally built share in Thailand {year}: {localBefore:P1} -> {localAfter:P1}");
        }
    }

    [Fact]
    public async Task More_nio_swap_stations_sell_more_nios_where_the_stations_grow()
    {
        var scenario = Load<Scenario>("nio-swap-stations.scenario.json");
        var response = await scenarios.CompareScenarioAsync(new CompareScenarioRequest
        {
            Scenario = scenario,
            Filter = new ResultFilter { Owners = { "nio" }, Years = { 2027, 2030 } },
        });
        var cells = response.Cells;

        foreach (var year in new[] { 2027, 2030 })
        {
            foreach (var market in new[] { "de", "no", "se", "dk", "rest-europe", "hu" })
            {
                var cell = cells.Single(c => c.Market == market && c.Year == year);
                Assert.True(cell.ScenarioUnits > cell.BaseUnits, $"NIO {market} {year}: base {cell.BaseUnits:N1}, scenario {cell.ScenarioUnits:N1}");
            }
            foreach (var market in new[] { "pt", "gr", "cy", "bg" })
            {
                var cell = cells.Single(c => c.Market == market && c.Year == year);
                Assert.True(Math.Abs(cell.ScenarioUnits - cell.BaseUnits) <= 0.01 * cell.BaseUnits + 0.5, $"NIO {market} {year} has no new stations");
            }
        }
        // Germany 2030: 860 -> 1,220 cars (20 -> 120 stations).
        var germany = cells.Single(c => c.Market == "de" && c.Year == 2030);
        Assert.InRange(germany.ScenarioUnits / germany.BaseUnits - 1, 0.1, 1.0);
    }

    [Fact]
    public async Task Xpengs_egyptian_plant_builds_locally_and_its_erev_reaches_egyptian_buyers()
    {
        var scenario = Load<Scenario>("xpeng-egypt-hub.scenario.json");
        var (baseline, result) = await RunWithBase(scenario, new ResultFilter { Owners = { "xpeng" }, Markets = { "eg" } });

        Assert.DoesNotContain(baseline.Plants, p => p.Plant == "xpeng-egypt");
        foreach (var year in new[] { 2028, 2030 })
        {
            var cell = result.Cells.Single(c => c.Market == "eg" && c.Year == year);
            var before = baseline.Cells.Single(c => c.Market == "eg" && c.Year == year);
            Assert.Equal(0, before.PhevUnits);
            Assert.True(cell.PhevUnits > 0, $"XPeng EREVs in Egypt {year}");
            Assert.True(cell.LocallyBuiltShare > 0.9 && before.LocallyBuiltShare == 0, $"locally built share {year}: {cell.LocallyBuiltShare:P0}");
            var plant = Plant(result, "xpeng-egypt", year);
            Assert.InRange(plant.Units, 1, plant.Capacity);
        }
        // Stores and a local EREV: 368 -> 685 cars in 2030.
        Change(baseline, result, "xpeng", ["eg"], 2030, Units).Above(0.3, "XPeng units in Egypt 2030");
    }

    [Fact]
    public async Task Zaragoza_a_year_late_keeps_leapmotors_eu_cars_china_built_and_dutiable()
    {
        var scenario = Load<Scenario>("leapmotor-tychy-to-zaragoza.scenario.json");
        var (baseline, result) = await RunWithBase(scenario, new ResultFilter { Owners = { "leapmotor" }, Markets = { Eu } });

        Assert.Equal(Plant(baseline, "leapmotor-zaragoza", 2026).Capacity, Plant(result, "leapmotor-zaragoza", 2027).Capacity, 0);
        foreach (var year in new[] { 2027, 2028 })
        {
            // 2027: China-built 22k -> 56k, duties USD 90 M -> 237 M, gross margin USD 337 M -> 218 M, units 59.7k -> 59.0k;
            // 2028: units 78.5k -> 78.1k. Zaragoza (full, at a scarcity rent) is replaced by China-built cars, which set the
            // price at the margin either way: Leapmotor loses the local cars' rent and pays the duty, and sells a little less.
            Change(baseline, result, "leapmotor", Eu, year, c => c.ChinaBuiltUnits).Above(0.3, $"Leapmotor EU China-built units {year}");
            Change(baseline, result, "leapmotor", Eu, year, c => c.TariffPaidUsd).Above(0.3, $"Leapmotor EU duties {year}");
            Change(baseline, result, "leapmotor", Eu, year, Units).Between(-0.10, -0.002, $"Leapmotor EU units {year}");
            Change(baseline, result, "leapmotor", Eu, year, c => c.GrossMarginUsd).Below(-0.05, $"Leapmotor EU gross margin {year}");
        }
        // From 2029 Zaragoza has its 80,000 either way.
        Change(baseline, result, "leapmotor", Eu, 2030, Units).Between(-0.01, 0.01, "Leapmotor EU units 2030");
    }

    [Fact]
    public async Task Li_autos_uzbek_dealer_network_sells_more_li_autos_in_uzbekistan()
    {
        var scenario = Load<Scenario>("li-auto-uzbekistan.scenario.json");
        var response = await scenarios.CompareScenarioAsync(new CompareScenarioRequest
        {
            Scenario = scenario,
            Filter = new ResultFilter { Owners = { "li-auto" }, Years = { 2026, 2028, 2030 } },
        });

        foreach (var year in new[] { 2026, 2028, 2030 })
        {
            var uz = response.Cells.Single(c => c.Market == "uz" && c.Year == year);
            // The base already has the Tashkent store from October 2025 (2,911 cars in 2026).
            Assert.True(uz.BaseUnits > 0, $"Li Auto sells in Uzbekistan in the base ({year})");
            Assert.True(uz.ScenarioUnits > uz.BaseUnits, $"Li Auto uz {year}: base {uz.BaseUnits:N0}, scenario {uz.ScenarioUnits:N0}");
            var elsewhere = response.Cells.Where(c => c.Market != "uz" && c.Year == year).ToList();
            Assert.All(elsewhere, c => Assert.True(Math.Abs(c.ScenarioUnits - c.BaseUnits) <= 0.001 * c.BaseUnits + 0.5, $"Li Auto {c.Market} {year}"));
        }
        // 2030: 7,429 -> 9,769 (1 -> 20 stores).
        var last = response.Cells.Single(c => c.Market == "uz" && c.Year == 2030);
        Assert.InRange(last.ScenarioUnits / last.BaseUnits - 1, 0.1, 1.0);
    }

    [Fact]
    public async Task A_fading_petrol_preference_raises_the_nev_share_everywhere_even_when_capacity_binds()
    {
        var scenario = Load<Scenario>("petrol-preference-fading.scenario.json");
        var (baseline, result) = await RunWithBase(scenario, new ResultFilter { BrandsOnly = true, Years = { 2026, 2027, 2028, 2029, 2030 } });

        var nevShare = (MarketYearResult m) => (m.BevUnits + m.PhevUnits) / m.TotalUnits;
        // Every year, 2029 and 2030 included, when BYD's China plants (2.8 M, 3.6 M) and in 2030 those of other-cn, Leapmotor and
        // XPeng run full: the scarcity rent raises their prices instead of turning NEV buyers into petrol buyers
        // (2030: Mexico 15.6% -> 22.5%, Brazil 22.8% -> 32.1%).
        foreach (var year in new[] { 2026, 2027, 2028, 2029, 2030 })
        {
            foreach (var before in baseline.Markets.Where(m => m.Year == year))
            {
                var after = result.Markets.Single(m => m.Market == before.Market && m.Year == year);
                Assert.True(nevShare(after) > nevShare(before), $"NEV share {before.Market} {year}: base {nevShare(before):P2}, scenario {nevShare(after):P2}");
            }
        }
        // Chinese makers sell more NEVs in total (2028: 7.8 M -> 9.6 M; 2030, capacity bound: 11.8 M -> 15.4 M).
        var chineseNev = (ScenarioResult r, int year) => r.Markets.Where(m => m.Year == year).Sum(m => m.ChineseNevUnits);
        Assert.True(chineseNev(result, 2030) > chineseNev(baseline, 2030) * 1.03, "Chinese NEV units 2030");
        Assert.True(chineseNev(result, 2028) > chineseNev(baseline, 2028) * 1.10, "Chinese NEV units 2028");
    }

    // ---------------------------------------------------------------- experiments

    [Fact]
    public async Task The_minimum_price_sweep_binds_above_byds_customs_value_whatever_the_pass_through()
    {
        var sweep = Load<SweepSpec>("byd-eu-min-price.sweep.json");
        var response = await experiments.RunSweepAsync(new RunSweepRequest { Sweep = sweep });
        var baseline = (await scenarios.RunScenarioAsync(new RunScenarioRequest
        {
            Scenario = new Scenario { Name = "base", Horizon = sweep.Scenario.Horizon },
            Filter = new ResultFilter { Owners = { "byd" }, Markets = { Eu }, Years = { 2027 } },
        })).Result;

        var prices = sweep.Axes[0].Values;
        var passThroughs = sweep.Axes[1].Values;
        Assert.Equal(prices.Count * passThroughs.Count, response.Points.Count);
        Assert.Equal(sweep.Metrics.Select(m => m.Name), response.Metrics);
        var at = (double price, double passThrough) => response.Points.Single(p => p.AxisValues[0] == price && p.AxisValues[1] == passThrough).Metrics;
        foreach (var passThrough in passThroughs)
        {
            for (var i = 1; i < prices.Count; i++)
            {
                // Known gap (issue 11 left open, docs/scenarios.md section 11): once the floor shuts BYD's China route, a higher floor
                // still moves the smoothed opportunity cost of the local plants' cars and the capped prices elsewhere, by up to 0.2%.
                Assert.True(at(prices[i], passThrough)[0] <= at(prices[i - 1], passThrough)[0] * 1.005,
                    $"BYD EU units must not rise with the minimum price (pass-through {passThrough}, {prices[i - 1]} -> {prices[i]})");
            }
            // USD 36,000 vs 24,000: 234k vs 283k cars, 0 vs 150k China-built BEVs (pass-through 0.6); at 0.3 234k vs 267k.
            Assert.True(at(prices[^1], passThrough)[0] < 0.9 * at(prices[0], passThrough)[0], $"a USD {prices[^1]:N0} floor binds");
            Assert.True(at(prices[^1], passThrough)[1] < 0.6 * at(prices[0], passThrough)[1], "China-built BEVs fall with the floor");
        }
        // At the default pass-through (0.6) a low floor only lifts the 17% duty: more cars than the base (283k vs 257k). The EU duty in
        // all still rises (USD 419 M vs 371 M): Manisa's cars go to Turkey and duty-paying China-built ones replace them
        // (docs/scenarios.md section 10); BYD's duties over all markets fall. A high floor costs volume (234k).
        var baseUnits = Sum(baseline, "byd", Eu, 2027, Units);
        Assert.True(at(prices[0], 0.6)[0] > baseUnits, "a non-binding floor sells more than the duty");
        Assert.True(at(prices[^1], 0.6)[0] < baseUnits, "a USD 36,000 floor sells less than the duty");
    }

    [Fact]
    public async Task The_monte_carlo_run_reports_bands_and_threshold_probabilities_for_szeged_and_the_minimum_price()
    {
        var spec = Load<MonteCarloSpec>("byd-szeged-eu-duty.montecarlo.json");

        var response = await experiments.RunMonteCarloAsync(new RunMonteCarloRequest { MonteCarlo = spec });

        Assert.Equal(spec.Draws, response.Draws);
        Assert.Equal(spec.Seed, response.Seed);
        Assert.Equal(spec.Metrics.Select(m => m.Name), response.Metrics.Select(m => m.Metric));
        foreach (var metric in response.Metrics)
        {
            foreach (var q in new[] { metric.Base, metric.Scenario, metric.Delta })
            {
                Assert.True(q.P10 <= q.P50 && q.P50 <= q.P90, $"{metric.Metric}: {q}");
            }
        }
        // Units 2028: P50 341k in the base, 324k in the scenario; the delta's P50 is -6.9k.
        var units = response.Metrics[0];
        Assert.True(units.Scenario.P50 < units.Base.P50 && units.Delta.P50 < 0, $"{units}");
        // The share is a few percent, P10-P90 about 2.5%-3.7% in the base.
        Assert.InRange(response.Metrics[1].Base.P50, 0.01, 0.06);
        var probability = response.Thresholds.Select(t => t.Probability).ToList();
        Assert.Equal(spec.Thresholds.Count, probability.Count);
        Assert.All(probability, p => Assert.InRange(p, 0, 1));
        // P(BYD > 3% of the EU in 2028) 0.36; P(loses > 10k cars) 0.45; P(margin rises) 0.64.
        Assert.InRange(probability[0], 0.02, 0.8);
        Assert.True(probability[1] > 0.3, $"P(BYD loses more than 10,000 EU sales) = {probability[1]}");
        Assert.True(probability[2] > 0.5, $"P(BYD's EU margin rises) = {probability[2]}");
    }

    [Fact]
    public async Task The_sensitivity_run_shows_mgs_plug_in_gain_holds_across_every_parameters_range()
    {
        var request = Load<RunSensitivityRequest>("saic-mg-phev-shift.sensitivity.json");

        var response = await experiments.RunSensitivityAsync(request);

        Assert.Equal(request.Metric.Name, response.Metric);
        // MG's EU NEV gain in 2028: +26k cars at the defaults.
        Assert.InRange(response.Center, 10_000, 60_000);
        Assert.True(response.Bars.Count >= 10, $"{response.Bars.Count} bars");
        var swings = response.Bars.Select(b => Math.Abs(b.MetricAtHigh - b.MetricAtLow)).ToList();
        Assert.Equal(swings.OrderDescending(), swings);
        // The price sensitivity of plug-in buyers matters most (17k-35k); no parameter turns the gain into a loss.
        Assert.StartsWith("demand.", response.Bars[0].Parameter, StringComparison.Ordinal);
        Assert.All(response.Bars, b => Assert.True(b.MetricAtLow > 0 && b.MetricAtHigh > 0, $"{b.Parameter}: {b.MetricAtLow:N0} / {b.MetricAtHigh:N0}"));
    }

    // ---------------------------------------------------------------- batch inputs

    [Fact]
    public async Task The_csv_grid_has_well_formed_targets_and_each_row_runs_from_its_template()
    {
        const string file = "eu-duty-grid.csv";
        var template = Load<Scenario>(TemplateOf(file));
        var lines = File.ReadAllLines(Path.Combine(Folder, file)).Where(l => l.Length > 0).ToList();
        var header = lines[0].Split(',');
        Assert.Equal("name", header[0]);
        var targets = header[1..];
        Assert.NotEmpty(targets);
        foreach (var target in targets)
        {
            Assert.True(IsWellFormedTarget(template, target), $"{file}: header '{target}' is neither levers[i].<numeric field of that lever> nor parameter:<name>");
        }
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Equal(header.Length, r.Length));
        Assert.Equal(rows.Count, rows.Select(r => r[0]).Distinct(StringComparer.Ordinal).Count());

        var chineseEuUnits = new Dictionary<(double Rate, double PassThrough), (double Base, double Scenario)>();
        foreach (var row in rows)
        {
            var scenario = template.Clone();
            scenario.Name = row[0];
            var values = row[1..].Select(v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();
            for (var i = 0; i < targets.Length; i++)
            {
                Set(scenario, targets[i], values[i]);
            }
            var response = await scenarios.CompareScenarioAsync(new CompareScenarioRequest
            {
                Scenario = scenario,
                Filter = new ResultFilter { Owners = { ChineseBrands }, Markets = { Eu }, Years = { 2027 } },
            });
            Assert.Equal(row[0], response.Scenario);
            chineseEuUnits[(values[0], values[1])] = (response.Cells.Sum(c => c.BaseUnits), response.Cells.Sum(c => c.ScenarioUnits));
        }

        // The extra duty lowers Chinese sales in the EU, more the higher it is, at every pass-through
        // (2027 at pass-through 0.6: 940k -> 902k at +10%, 866k at +20% (Kiel's case), 822k at +40%).
        foreach (var group in chineseEuUnits.GroupBy(e => e.Key.PassThrough))
        {
            var byRate = group.OrderBy(e => e.Key.Rate).Select(e => e.Value).ToList();
            Assert.All(byRate, v => Assert.True(v.Scenario < v.Base, $"pass-through {group.Key}: {v.Scenario:N0} vs {v.Base:N0}"));
            for (var i = 1; i < byRate.Count; i++)
            {
                Assert.True(byRate[i].Scenario < byRate[i - 1].Scenario, $"pass-through {group.Key}: a higher duty sells less");
            }
        }
        var kiel = chineseEuUnits[(0.2, 0.6)];
        Assert.InRange(kiel.Scenario / kiel.Base - 1, -0.25, -0.02);
    }

    [Fact]
    public async Task Each_jsonl_line_is_a_scenario_that_runs_and_moves_its_numbers_the_expected_way()
    {
        var lines = JsonLines("storylines.jsonl").ToList();
        Assert.True(lines.Count >= 3, $"{lines.Count} lines");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (line, number) in lines)
        {
            var scenario = JsonParser.Default.Parse<Scenario>(line);
            Assert.True(names.Add(scenario.Name), $"line {number}: duplicate name {scenario.Name}");
            var response = await scenarios.CompareScenarioAsync(new CompareScenarioRequest { Scenario = scenario });
            Assert.Equal(scenario.Name, response.Scenario);
            Assert.True(response.Diagnostics.Converged, $"line {number} ({scenario.Name}): the scenario's run did not converge: {NotConverged(response.Diagnostics)}");
            Assert.True(response.BaseDiagnostics.Converged, $"line {number} ({scenario.Name}): the base's run did not converge: {NotConverged(response.BaseDiagnostics)}");
            var cells = response.Cells;
            switch (scenario.Name)
            {
                case "byd-europe-stores-target-slips":
                    // 2027: 340k -> 276k BYD cars in Europe.
                    Compared(cells, "byd", [.. Eu, "uk", "no"], 2027, c => (c.BaseUnits, c.ScenarioUnits)).Between(-0.40, -0.05, "BYD European units 2027");
                    break;
                case "turkey-revokes-byd-local-status":
                    // BYD keeps most of its Turkish sales with Manisa and Szeged cars (duty-free through the EU-Turkey customs
                    // union), but those plants run full, so their scarcity rent raises the price (+6%) and Turkish sales fall
                    // (2027: 90.6k -> 77.0k); the EU gets more dutiable China-built cars instead (152k -> 228k): BYD pays more
                    // duty in total (USD 4.68 bn -> 4.92 bn) and earns less (-2%).
                    Compared(cells, "byd", ["tr"], 2027, c => (c.BaseUnits, c.ScenarioUnits)).Between(-0.30, -0.05, "BYD units in Turkey 2027");
                    Compared(cells, "byd", null, 2027, c => (c.BaseTariffPaidUsd, c.ScenarioTariffPaidUsd)).Above(0.01, "BYD duties 2027");
                    Compared(cells, "byd", null, 2027, c => (c.BaseGrossMarginUsd, c.ScenarioGrossMarginUsd)).Below(-0.005, "BYD gross margin 2027");
                    break;
                case "china-bev-export-licence-cost":
                    // 7.85 M -> 7.80 M Chinese-brand cars abroad in 2026.
                    foreach (var brand in ChineseBrands)
                    {
                        Compared(cells, brand, null, 2026, c => (c.BaseUnits, c.ScenarioUnits)).Between(-0.2, 0.001, $"{brand} units 2026");
                    }
                    Compared(cells, null, null, 2026, c => (c.BaseUnits, c.ScenarioUnits)).Below(-0.002, "Chinese brands' units 2026");
                    break;
                case "incumbents-cut-bev-prices-eu":
                    // Chinese brands in the EU 2027: 940k -> 895k; VW Group +6.5%.
                    Compared(cells, null, Eu, 2027, c => (c.BaseUnits, c.ScenarioUnits)).Between(-0.2, -0.01, "Chinese brands' EU units 2027");
                    Compared(cells, "vw-group", Eu, 2027, c => (c.BaseUnits, c.ScenarioUnits)).Above(0.01, "VW Group EU units 2027");
                    break;
                case "germany-chargers-double":
                    // More chargers raise the BEV share and never lower a brand's BEV sales; BYD de 2028: 61,460 -> 61,723.
                    Compared(cells, null, ["de"], 2028, c => (c.BaseUnits, c.ScenarioUnits)).Above(0, "Chinese brands' units in Germany 2028");
                    Compared(cells, "byd", ["de"], 2028, c => (c.BaseUnits, c.ScenarioUnits)).Above(0, "BYD units in Germany 2028");
                    break;
                default:
                    Assert.Fail($"storylines.jsonl line {number} ({scenario.Name}) has no expectation in this test: add one");
                    break;
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private async Task<(ScenarioResult Base, ScenarioResult Scenario)> RunWithBase(Scenario scenario, ResultFilter filter)
    {
        var baseline = new Scenario { Name = "base", Horizon = scenario.Horizon };
        baseline.Parameters.Add(scenario.Parameters);
        var b = await scenarios.RunScenarioAsync(new RunScenarioRequest { Scenario = baseline, Filter = filter });
        var s = await scenarios.RunScenarioAsync(new RunScenarioRequest { Scenario = scenario, Filter = filter });
        return (b.Result, s.Result);
    }

    private static double Units(CellResult c) => c.BevUnits + c.PhevUnits + c.OtherUnits;

    private static string NotConverged(SolverDiagnostics diagnostics) =>
        string.Join(", ", diagnostics.Years.Where(y => y.Exit != SolverExit.Converged).Select(y => $"{y.Year} {y.Exit} (residual {y.Residual:E1})"));

    private static double Sum(ScenarioResult result, string owner, IEnumerable<string> markets, int year, Func<CellResult, double> value)
    {
        var selected = markets.ToHashSet(StringComparer.Ordinal);
        return result.Cells.Where(c => c.Owner == owner && c.Year == year && selected.Contains(c.Market)).Sum(value);
    }

    private static PlantYearResult Plant(ScenarioResult result, string plant, int year) =>
        result.Plants.Single(p => p.Plant == plant && p.Year == year);

    private static Relative Change(ScenarioResult baseline, ScenarioResult scenario, string owner, IEnumerable<string> markets, int year,
        Func<CellResult, double> value)
    {
        var list = markets.ToList();
        return new Relative(Sum(baseline, owner, list, year, value), Sum(scenario, owner, list, year, value));
    }

    /// <summary>Base and scenario totals over compared cells: one owner (null = the Chinese brands), some markets (null = all).</summary>
    private static Relative Compared(IEnumerable<CellChange> cells, string? owner, IReadOnlyCollection<string>? markets, int year,
        Func<CellChange, (double Base, double Scenario)> value)
    {
        var selected = cells.Where(c => c.Year == year
                                        && (owner is null ? ChineseBrands.Contains(c.Owner) : c.Owner == owner)
                                        && (markets is null || markets.Contains(c.Market)))
            .Select(value).ToList();
        Assert.NotEmpty(selected);
        return new Relative(selected.Sum(v => v.Base), selected.Sum(v => v.Scenario));
    }

    /// <summary>A base and a scenario value; the checks are on the relative change.</summary>
    private readonly record struct Relative(double Base, double Scenario)
    {
        private double Change => Scenario / Base - 1;

        public void Between(double low, double high, string what)
        {
            Assert.True(Base != 0, $"{what}: the base is 0");
            Assert.True(Change >= low && Change <= high, $"{what}: base {Base:N0}, scenario {Scenario:N0} ({Change:+0.0%;-0.0%}), expected {low:P1} to {high:P1}");
        }

        public void Above(double low, string what) => Between(low, double.PositiveInfinity, what);

        public void Below(double high, string what) => Between(double.NegativeInfinity, high, what);
    }

    private static T Load<T>(string file) where T : IMessage<T>, new() =>
        JsonParser.Default.Parse<T>(File.ReadAllText(Path.Combine(Folder, file)));

    private static IEnumerable<(string Line, int Number)> JsonLines(string file) =>
        File.ReadAllLines(Path.Combine(Folder, file)).Select((l, i) => (l, i + 1)).Where(l => l.l.Trim().Length > 0);

    /// <summary>A batch grid <c>NAME.csv</c> comes with its template <c>NAME.template.scenario.json</c>.</summary>
    private static string TemplateOf(string csv) => Path.ChangeExtension(csv, null) + ".template.scenario.json";

    private static HashSet<string> SourceIds()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "data", "baseline", "sources.json")));
        return json.RootElement.EnumerateArray().Select(e => e.GetProperty("id").GetString()!).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Source ids cited in parentheses: tokens like <c>tgcom24-2024-10</c> or <c>asm-plant-capacity</c>.</summary>
    private static IEnumerable<string> Citations(string description) =>
        Parenthesised().Matches(description)
            .SelectMany(m => m.Groups[1].Value.Split([';', ','], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Where(t => SourceIdShape().IsMatch(t));

    private static bool IsWellFormedTarget(Scenario template, string target)
    {
        if (target.StartsWith("parameter:", StringComparison.Ordinal))
        {
            return ParameterName().IsMatch(target["parameter:".Length..]);
        }
        var match = LeverTarget().Match(target);
        if (!match.Success || !int.TryParse(match.Groups[1].Value, CultureInfo.InvariantCulture, out var index) || index >= template.Levers.Count)
        {
            return false;
        }
        return NumericField(template.Levers[index], match.Groups[2].Value) is not null;
    }

    private static FieldDescriptor? NumericField(Lever lever, string jsonName)
    {
        var kind = LeverKind(lever);
        var field = ((IMessage)kind.Accessor.GetValue(lever)).Descriptor.Fields.InDeclarationOrder().FirstOrDefault(f => f.JsonName == jsonName);
        return field is { IsRepeated: false, FieldType: FieldType.Double or FieldType.Float or FieldType.Int32 or FieldType.Int64 } ? field : null;
    }

    private static FieldDescriptor LeverKind(Lever lever) =>
        Lever.Descriptor.Oneofs.Single(o => o.Name == "kind").Accessor.GetCaseFieldDescriptor(lever)
        ?? throw new InvalidOperationException("a lever without a kind");

    /// <summary>Sets a CSV column's value on a scenario built from the template.</summary>
    private static void Set(Scenario scenario, string target, double value)
    {
        if (target.StartsWith("parameter:", StringComparison.Ordinal))
        {
            scenario.Parameters[target["parameter:".Length..]] = value;
            return;
        }
        var match = LeverTarget().Match(target);
        var lever = scenario.Levers[int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)];
        var field = NumericField(lever, match.Groups[2].Value)!;
        object converted = field.FieldType switch
        {
            FieldType.Double => value,
            FieldType.Float => (float)value,
            FieldType.Int32 => checked((int)Math.Round(value)),
            _ => checked((long)Math.Round(value)),
        };
        field.Accessor.SetValue((IMessage)LeverKind(lever).Accessor.GetValue(lever), converted);
    }

    [GeneratedRegex(@"^levers\[(\d+)\]\.([A-Za-z][A-Za-z0-9]*)$")]
    private static partial Regex LeverTarget();

    [GeneratedRegex(@"^[a-z][A-Za-z]*(\.[a-z][A-Za-z]*)+$")]
    private static partial Regex ParameterName();

    [GeneratedRegex(@"\(([^()]*)\)")]
    private static partial Regex Parenthesised();

    [GeneratedRegex(@"^[a-z][a-z0-9]*(-[a-z0-9]+)+$")]
    private static partial Regex SourceIdShape();
}
