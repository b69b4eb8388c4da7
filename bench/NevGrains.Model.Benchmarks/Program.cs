using BenchmarkDotNet.Running;
using NevGrains.Model.Benchmarks.Equivalence;

// fingerprint <out> [examples dir, default examples/ of the repository root or ../../examples] | compare <before> <after>: the equivalence check of docs/benchmarks.md; anything else goes to BenchmarkDotNet.
return args switch
{
    ["fingerprint", var output, .. var rest] => Fingerprint(output, rest is [var examples, ..] ? examples : Directory.Exists("examples") ? "examples" : "../../examples"),
    ["compare", var before, var after] => EngineFingerprint.Compare(before, after),
    _ => RunBenchmarks(args),
};

static int Fingerprint(string output, string examples)
{
    EngineFingerprint.Write(output, examples);
    return 0;
}

static int RunBenchmarks(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(EngineFingerprint).Assembly).Run(args);
    return 0;
}
