using System.Globalization;
using System.Text;
using Google.Protobuf;
using NevGrains.Gateway.Mapping;
using NevGrains.Model.Engine;
using NevGrains.Model.Results;
using NevGrains.Model.Scenarios;
using NevGrains.TestSupport;
using Wire = NevGrains.Api.V1;

namespace NevGrains.Model.Benchmarks.Equivalence;

/// <summary>
/// Shows that a change to the engine's speed leaves its answers alone (the Speed issue: at most 1e-9 relative). <c>fingerprint
/// out.txt</c> writes every figure of every cell, brand and market of the base, the shipped example scenarios and 1,000 random
/// scenarios on the shipped baseline; run it before and after a change, then <c>compare before.txt after.txt</c>.
/// </summary>
public static class EngineFingerprint
{
    public const int RandomScenarios = 1_000;

    public static void Write(string path, string examplesDirectory, int randomScenarios = RandomScenarios)
    {
        var compiled = CompiledBaseline.Shipped;
        var scenarios = new List<Scenario> { Scenario.Base() };
        scenarios.AddRange(Examples(examplesDirectory));
        for (var seed = 1; seed <= randomScenarios; seed++)
        {
            scenarios.Add(TestSupport.RandomScenarios.Create(compiled, seed));
        }
        using var writer = new StreamWriter(path, append: false, Encoding.UTF8);
        var refused = 0;
        foreach (var scenario in scenarios)
        {
            ScenarioResult result;
            try
            {
                result = ScenarioEngine.Run(compiled, scenario);
            }
            catch (ScenarioException)
            {
                // A random lever mix the validator refuses (e.g. stores in a market the brand left): the same on both sides.
                writer.WriteLine($"{scenario.Name}\trefused");
                refused++;
                continue;
            }
            foreach (var line in Lines(result))
            {
                writer.Write(scenario.Name);
                writer.Write('\t');
                writer.WriteLine(line);
            }
        }
        Console.WriteLine($"{scenarios.Count} scenarios ({refused} refused by the validator) written to {path}");
    }

    private static IEnumerable<Scenario> Examples(string directory)
    {
        var parser = new JsonParser(JsonParser.Settings.Default);
        foreach (var file in Directory.GetFiles(directory, "*.scenario.json").Order(StringComparer.Ordinal))
        {
            var wire = parser.Parse<Wire.Scenario>(File.ReadAllText(file));
            yield return RequestMapper.Scenario(wire) with { Name = Path.GetFileName(file) };
        }
    }

    private static IEnumerable<string> Lines(ScenarioResult result)
    {
        string Numbers(params double[] values) => string.Join(' ', values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        foreach (var c in result.Cells)
        {
            yield return $"cell {c.Owner} {c.Market} {c.Year}\t" + Numbers(c.BevUnits, c.PhevUnits, c.OtherUnits, c.ShareOfMarket, c.ShareOfNev,
                c.AveragePriceUsd, c.RevenueUsd, c.GrossMarginUsd, c.TariffPaidUsd, c.LocallyBuiltShare, c.CapacityUtilisation, c.ChinaBuiltUnits,
                c.ChinaBuiltNevUnits, c.UnmetUnits, c.ChinaBuiltBevUnits, c.ScarcityRentUsd);
        }
        foreach (var m in result.Markets)
        {
            yield return $"market {m.Market} {m.Year}\t" + Numbers(m.TotalUnits, m.BevUnits, m.PhevUnits, m.ChineseUnits, m.ChineseNevUnits,
                m.PublicChargers, m.TariffPaidUsd);
        }
        foreach (var b in result.Brands)
        {
            yield return $"brand {b.Brand} {b.Year}\t" + Numbers(b.Units, b.NevUnits, b.RevenueUsd, b.GrossMarginUsd, b.TariffPaidUsd,
                b.ChinaBuiltUnits, b.ChinaBuiltNevUnits, b.LocallyBuiltUnits, b.UnmetUnits);
        }
    }

    /// <summary>
    /// The largest relative difference between two fingerprints, |a − b| / max(|a|, |b|, 1) (units and dollars below one are noise),
    /// with where it is. Rows present on one side only are counted and listed.
    /// </summary>
    public static int Compare(string beforePath, string afterPath)
    {
        var before = Read(beforePath);
        var after = Read(afterPath);
        var worst = 0.0;
        var where = "";
        var differing = 0;
        var perScenario = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (key, values) in before)
        {
            if (!after.TryGetValue(key, out var other) || other.Length != values.Length)
            {
                Console.WriteLine($"missing or changed shape: {key}");
                differing++;
                continue;
            }
            var scenario = key[..key.IndexOf('\t', StringComparison.Ordinal)];
            for (var i = 0; i < values.Length; i++)
            {
                var difference = Math.Abs(values[i] - other[i]) / Math.Max(1, Math.Max(Math.Abs(values[i]), Math.Abs(other[i])));
                perScenario[scenario] = Math.Max(perScenario.GetValueOrDefault(scenario), difference);
                if (difference > worst)
                {
                    (worst, where) = (difference, $"{key} [{i}]: {values[i]:R} -> {other[i]:R}");
                }
            }
        }
        differing += after.Keys.Count(k => !before.ContainsKey(k));
        var scenarios = perScenario.Count;
        var above = perScenario.Count(p => p.Value > 1e-9);
        Console.WriteLine($"{before.Count} rows, {scenarios} scenarios; largest relative difference {worst:E2} at {where}");
        Console.WriteLine($"scenarios above 1e-9: {above}; rows on one side only: {differing}");
        foreach (var (scenario, difference) in perScenario.Where(p => p.Value > 1e-9).OrderByDescending(p => p.Value).Take(20))
        {
            Console.WriteLine($"  {scenario}: {difference:E2}");
        }
        return above == 0 && differing == 0 ? 0 : 1;
    }

    private static Dictionary<string, double[]> Read(string path)
    {
        var rows = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            var cut = line.LastIndexOf('\t');
            var figures = line[(cut + 1)..];
            var values = figures == "refused" ? [] : figures.Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            rows[line[..cut]] = values;
        }
        return rows;
    }
}
