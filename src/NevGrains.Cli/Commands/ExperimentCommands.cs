using System.CommandLine;
using NevGrains.Api.V1;
using NevGrains.Cli.Files;
using NevGrains.Cli.Output;
using NevGrains.Cli.Reports;
using Spectre.Console;

namespace NevGrains.Cli.Commands;

/// <summary>Experiments answered in one call: <c>nev sweep</c>, <c>nev montecarlo</c>, <c>nev sensitivity</c>.</summary>
public static class ExperimentCommands
{
    public static IEnumerable<Command> Build(TextWriter output, TextWriter error)
    {
        yield return Sweep(output, error);
        yield return MonteCarlo(output, error);
        yield return Sensitivity(output, error);
    }

    private static Command Sweep(TextWriter output, TextWriter error)
    {
        var file = new Argument<FileInfo>("sweep") { Description = "A sweep file (*.sweep.json, see docs/scenarios.md)" };
        var format = OutputOptions.Format();
        var outFile = OutputOptions.Out();
        var command = new Command("sweep", "Run a scenario over a grid of lever values or parameters (larger grids: nev batch)") { file, format, outFile };
        command.SetAction((parse, cancellation) => Invocation.Run(parse, output, error, cancellation,
            () => (Path: parse.GetValue(file)!.FullName, Spec: ProtoJsonFile.Read<SweepSpec>(parse.GetValue(file)!.FullName)),
            async (input, client, console, token) =>
            {
                var response = await Invocation.FromFile(input.Path, "sweep", () =>
                    client.Experiments.RunSweepAsync(new RunSweepRequest { Sweep = input.Spec }, cancellationToken: token).ResponseAsync);
                var rows = new Tabular([.. response.Axes, .. response.Metrics]);
                var formats = response.Metrics.Select(m => MetricInfo.FromLabel(m).Format).ToArray();
                foreach (var point in response.Points)
                {
                    rows.Add([.. point.AxisValues.Cast<object>(), .. point.Metrics.Select((v, i) => (object)new Quantity(v, formats[i]))]);
                }
                OutputOptions.Write(parse.GetValue(format), parse.GetValue(outFile), console, output, response,
                    () => rows.WriteTable(console, $"Sweep of {input.Spec.Scenario?.Name}: {response.Points.Count} points, dataset {response.DatasetVersion}"), rows);
                return ExitCodes.Ok;
            }));
        return command;
    }

    private static Command MonteCarlo(TextWriter output, TextWriter error)
    {
        var file = new Argument<FileInfo>("montecarlo") { Description = "A Monte Carlo file (*.montecarlo.json, see docs/scenarios.md)" };
        var draws = new Option<int?>("--draws") { Description = "Override the number of draws" };
        var seed = new Option<ulong?>("--seed") { Description = "Override the seed (the same seed gives the same answer)" };
        var format = OutputOptions.Format();
        var outFile = OutputOptions.Out();
        var command = new Command("montecarlo", "Run a scenario and its base under uncertain parameters: P10/P50/P90 of each metric and threshold odds")
        {
            file, draws, seed, format, outFile,
        };
        command.SetAction((parse, cancellation) => Invocation.Run(parse, output, error, cancellation,
            () => (Path: parse.GetValue(file)!.FullName, Spec: MonteCarloSpec(parse, file, draws, seed)),
            async (input, client, console, token) =>
            {
                var response = await Invocation.FromFile(input.Path, "monteCarlo", () =>
                    client.Experiments.RunMonteCarloAsync(new RunMonteCarloRequest { MonteCarlo = input.Spec }, cancellationToken: token).ResponseAsync);
                var rows = new Tabular("metric", "base P50", "scenario P10", "scenario P50", "scenario P90", "change P10", "change P50", "change P90", "change mean");
                foreach (var m in response.Metrics)
                {
                    var f = MetricInfo.FromLabel(m.Metric).Format;
                    rows.Add(m.Metric, new Quantity(m.Base.P50, f), new Quantity(m.Scenario.P10, f), new Quantity(m.Scenario.P50, f), new Quantity(m.Scenario.P90, f),
                        new Quantity(m.Delta.P10, f), new Quantity(m.Delta.P50, f), new Quantity(m.Delta.P90, f), new Quantity(m.Delta.Mean, f));
                }
                OutputOptions.Write(parse.GetValue(format), parse.GetValue(outFile), console, output, response, () =>
                {
                    rows.WriteTable(console, $"{input.Spec.Scenario?.Name}: {response.Draws:N0} draws, seed {response.Seed}, dataset {response.DatasetVersion}");
                    if (response.Thresholds.Count > 0)
                    {
                        var odds = new Tabular("metric", "condition", "probability");
                        foreach (var t in response.Thresholds)
                        {
                            var name = t.Threshold.Metric < response.Metrics.Count ? response.Metrics[t.Threshold.Metric].Metric : $"metric {t.Threshold.Metric}";
                            odds.Add(name, $"{(t.Threshold.OnDelta ? "change" : "value")} {(t.Threshold.Below ? "<" : ">")} {Numbers.AsGiven(t.Threshold.Value)}", Quantity.Share(t.Probability));
                        }
                        odds.WriteTable(console, "Threshold probabilities");
                    }
                }, rows);
                return ExitCodes.Ok;
            }));
        return command;
    }

    private static MonteCarloSpec MonteCarloSpec(ParseResult parse, Argument<FileInfo> file, Option<int?> draws, Option<ulong?> seed)
    {
        var spec = ProtoJsonFile.Read<MonteCarloSpec>(parse.GetValue(file)!.FullName);
        if (parse.GetValue(draws) is { } n)
        {
            spec.Draws = n;
        }
        if (parse.GetValue(seed) is { } s)
        {
            spec.Seed = s;
        }
        return spec;
    }

    private static Command Sensitivity(TextWriter output, TextWriter error)
    {
        var file = new Argument<FileInfo>("sensitivity") { Description = "A sensitivity file (*.sensitivity.json, see docs/scenarios.md)" };
        var format = OutputOptions.Format();
        var outFile = OutputOptions.Out();
        var command = new Command("sensitivity", "Move each parameter to the ends of its range, one at a time: a tornado of the metric") { file, format, outFile };
        command.SetAction((parse, cancellation) => Invocation.Run(parse, output, error, cancellation,
            () => (Path: parse.GetValue(file)!.FullName, Request: ProtoJsonFile.Read<RunSensitivityRequest>(parse.GetValue(file)!.FullName)),
            async (input, client, console, token) =>
            {
                var response = await Invocation.FromFile(input.Path, "", () =>
                    client.Experiments.RunSensitivityAsync(input.Request, cancellationToken: token).ResponseAsync);
                var rows = new Tabular("parameter", "low value", "high value", "metric at low", "metric at high", "swing");
                var f = MetricInfo.FromLabel(response.Metric).Format;
                foreach (var b in response.Bars.OrderByDescending(b => Math.Abs(b.MetricAtHigh - b.MetricAtLow)))
                {
                    rows.Add(b.Parameter, b.LowValue, b.HighValue, new Quantity(b.MetricAtLow, f), new Quantity(b.MetricAtHigh, f), new Quantity(Math.Abs(b.MetricAtHigh - b.MetricAtLow), f));
                }
                OutputOptions.Write(parse.GetValue(format), parse.GetValue(outFile), console, output, response,
                    () => rows.WriteTable(console, $"Sensitivity of {response.Metric} (at defaults: {Numbers.Value(f, response.Center)}), dataset {response.DatasetVersion}"), rows);
                return ExitCodes.Ok;
            }));
        return command;
    }
}
