using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using NevGrains.Model.Data;
using NevGrains.Model.Engine;
using NevGrains.Model.Scenarios;

namespace NevGrains.Model.Benchmarks.Growth;

/// <summary>
/// How the cost of a scenario grows with the problem: the base scenario on the shipped dataset with every brand cloned k times
/// (k = 1, 2, 4: k times the brand x market cells; each clone has 1/k of the brand's sales and plant capacity, the same duties,
/// so the same constraints bind), and on the shipped dataset to 2030 and to 2035. Each round times every case in turn in this
/// process; a case's figure is the median over rounds of its round median, its ratio is taken against the 1x case within a round.
/// </summary>
internal static class CostGrowth
{
    public static string Run(int runs, int rounds)
    {
        var shipped = CompiledBaseline.Shipped;
        var cases = new List<(string Name, CompiledBaseline Compiled, Scenario Scenario, double Work)>
        {
            ("1x brands, 2025-2030", shipped, Scenario.Base(2030), 1),
            ("2x brands, 2025-2030", new CompiledBaseline(CloneBrands(shipped.Dataset, 2)), Scenario.Base(2030), 2),
            ("4x brands, 2025-2030", new CompiledBaseline(CloneBrands(shipped.Dataset, 4)), Scenario.Base(2030), 4),
            ("1x brands, 2025-2035", shipped, Scenario.Base(2035), 2),
        };
        var medians = cases.Select(_ => new List<double>()).ToArray();
        var iterations = new int[cases.Count];
        for (var i = 0; i < cases.Count; i++)
        {
            for (var w = 0; w < 3; w++)
            {
                iterations[i] = ScenarioEngine.Run(cases[i].Compiled, cases[i].Scenario).Diagnostics.Iterations;
            }
        }
        for (var round = 0; round < rounds; round++)
        {
            for (var i = 0; i < cases.Count; i++)
            {
                var times = new List<double>(runs);
                for (var r = 0; r < runs; r++)
                {
                    var watch = Stopwatch.StartNew();
                    ScenarioEngine.Run(cases[i].Compiled, cases[i].Scenario);
                    times.Add(watch.Elapsed.TotalMilliseconds);
                }
                medians[i].Add(Median(times));
            }
        }
        var lines = new List<string>
        {
            "| case | cells (brand x market x powertrain offers) | solver iterations (all years) | median (ms) | spread over rounds (ms) | ratio to 1x, 2025-2030 | linear would be |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        };
        for (var i = 0; i < cases.Count; i++)
        {
            var ratios = medians[i].Zip(medians[0], (a, b) => a / b).ToList();
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {cases[i].Name} | {Cells(cases[i].Compiled):N0} | {iterations[i]:N0} | {Median(medians[i]):0.0} | {medians[i].Min():0.0}-{medians[i].Max():0.0} | " +
                $"{Median(ratios):0.00} ({ratios.Min():0.00}-{ratios.Max():0.00}) | {cases[i].Work:0} |"));
        }
        return string.Join('\n', lines);
    }

    /// <summary>Each brand becomes k brands (ids suffixed -2, -3, ...) that split its sales, stores and plant capacity evenly.</summary>
    public static Dataset CloneBrands(Dataset dataset, int k)
    {
        DataPoint Split(DataPoint point) => point with { Value = point.Value / k };
        var brands = dataset.Brands.SelectMany(brand => Enumerable.Range(1, k).Select(copy =>
        {
            string Id(string id) => copy == 1 ? id : $"{id}-{copy}";
            return brand with
            {
                Id = Id(brand.Id),
                Name = copy == 1 ? brand.Name : $"{brand.Name} {copy}",
                Plants = [.. brand.Plants.Select(p => p with { Id = Id(p.Id), Capacity = [.. p.Capacity.Select(c => c with { Units = Split(c.Units) })] })],
                Markets = [.. brand.Markets.Select(m => m with
                {
                    Sales = [.. m.Sales.Select(s => s with { Units = Split(s.Units) })],
                    Stores = m.Stores is { } stores ? Split(stores) : null,
                })],
            };
        })).ToImmutableArray();
        ImmutableArray<string> Extend(ImmutableArray<string> ids) => ids.IsDefaultOrEmpty
            ? ids
            : [.. ids.SelectMany(id => dataset.Brands.Any(b => b.Id == id) ? Enumerable.Range(1, k).Select(c => c == 1 ? id : $"{id}-{c}") : [id])];
        // Brand-keyed trade rules (duties, exemptions, offset rules) reach every clone, so clones pay what the brand pays.
        var tariffs = dataset.Tariffs.Select(t => t with
        {
            Rules = [.. t.Rules.Select(r => r with
            {
                Brands = Extend(r.Brands),
                Exemptions = r.Exemptions.IsDefaultOrEmpty ? r.Exemptions : [.. r.Exemptions.SelectMany(e => Extend([e.Brand]).Select(id => e with { Brand = id }))],
            })],
        }).ToImmutableArray();
        var markets = dataset.Markets.Select(m => m.OffsetRules.IsDefaultOrEmpty ? m : m with
        {
            OffsetRules = [.. m.OffsetRules.Select(o => o with { Brands = Extend(o.Brands) })],
        }).ToImmutableArray();
        return dataset with
        {
            Brands = brands,
            Tariffs = tariffs,
            Markets = markets,
            Manifest = dataset.Manifest with { DatasetVersion = $"{dataset.Version}-x{k}" },
        };
    }

    private static int Cells(CompiledBaseline compiled) =>
        compiled.Dataset.Brands.Sum(b => b.Markets.Sum(m => m.Sales.Length));

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
