using System.Globalization;
using BenchmarkDotNet.Running;
using NevGrains.Model.Benchmarks.Equivalence;
using NevGrains.Model.Benchmarks.Growth;

// fingerprint <out> [examples dir, default examples/ of the repository root or ../../examples] | compare <before> <after>: the equivalence check of docs/benchmarks.md;
// growth [runs=20] [rounds=3] [out.md]: time per scenario against problem size; anything else goes to BenchmarkDotNet.
return args switch
{
    ["fingerprint", var output, .. var rest] => Fingerprint(output, rest is [var examples, ..] ? examples : Directory.Exists("examples") ? "examples" : "../../examples"),
    ["compare", var before, var after] => EngineFingerprint.Compare(before, after),
    ["growth", .. var rest] => Growth(rest),
    _ => RunBenchmarks(args),
};

static int Fingerprint(string output, string examples)
{
    EngineFingerprint.Write(output, examples);
    return 0;
}

static int Growth(string[] args)
{
    var table = CostGrowth.Run(args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20,
        args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3);
    Console.WriteLine(table);
    if (args.Length > 2)
    {
        File.WriteAllText(args[2], table + "\n");
    }
    return 0;
}

static int RunBenchmarks(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(EngineFingerprint).Assembly).Run(args);
    return 0;
}
