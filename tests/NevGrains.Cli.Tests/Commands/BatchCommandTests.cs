using System.Globalization;
using CsvHelper;
using NevGrains.Cli.Tests.Support;

namespace NevGrains.Cli.Tests.Commands;

[Collection(ServiceCollection.Name)]
public sealed class BatchCommandTests(ServiceFixture service) : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task A_jsonl_batch_writes_one_csv_row_per_scenario_in_order()
    {
        var input = folder.File("duties.jsonl", string.Join('\n', Enumerable.Range(0, 6).Select(i => ScenarioText.EuDuty(0.05 * i, $"duty-{i}"))));
        var results = folder.PathOf("results.csv");

        var (code, output, _) = await service.Nev("batch", input, "--metric", "units:byd:eu:2028", "share:byd:de:2028", "--out", results);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("6 results written", output, StringComparison.Ordinal);
        var rows = ReadCsv(results);
        Assert.Equal(["0", "1", "2", "3", "4", "5"], rows.Select(r => (string)r["index"]));
        Assert.Equal("duty-0", rows[0]["label"]);
        var units = rows.Select(r => double.Parse((string)r["units:byd:eu:2028"], CultureInfo.InvariantCulture)).ToList();
        Assert.True(units.Zip(units.Skip(1)).All(p => p.Second < p.First), string.Join(", ", units));
        Assert.All(rows, r => Assert.Equal("", r["error"]));
    }

    [Fact]
    public async Task A_csv_batch_fills_the_template_scenario_row_by_row()
    {
        var template = folder.File("template.scenario.json", ScenarioText.SzegedLate);
        var input = folder.File("grid.csv", "name,levers[0].startDelayMonths,levers[1].rate\nontime,0,0\nlate,12,0\nlate-dutied,12,0.2\n");
        var results = folder.PathOf("grid-results.csv");

        var (code, _, _) = await service.Nev("batch", input, "--scenario", template, "--metric", "units:byd:hu:2027", "--out", results);

        Assert.Equal(ExitCodes.Ok, code);
        var units = ReadCsv(results).ToDictionary(r => (string)r["label"], r => double.Parse((string)r["units:byd:hu:2027"], CultureInfo.InvariantCulture));
        Assert.Equal(["ontime", "late", "late-dutied"], units.Keys);
        Assert.True(units["late"] <= units["ontime"] && units["late-dutied"] < units["late"], string.Join(", ", units));
    }

    [Fact]
    public async Task Running_the_same_command_again_resumes_after_the_rows_already_written()
    {
        var (args, results) = await FinishedBatch("resume", "resume.csv", 7, "r");
        var complete = File.ReadAllLines(results);
        // An interrupted run: the header and three results made it to disk.
        File.WriteAllLines(results, complete.Take(4));

        var (code, output, _) = await service.Nev(args);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("resuming after 3 results", output, StringComparison.Ordinal);
        Assert.Equal(complete, File.ReadAllLines(results));
    }

    [Theory]
    [InlineData("resume-cut.csv")]
    [InlineData("resume-cut.jsonl")]
    public async Task A_record_cut_short_by_a_kill_is_written_again_whole_and_every_index_is_there_once(string name)
    {
        var (args, results) = await FinishedBatch("cut", name, 7, "c");
        var complete = await File.ReadAllTextAsync(results, TestContext.Current.CancellationToken);
        // A SIGKILL mid-write: the file ends in the middle of a record.
        var records = complete.Split('\n');
        var headerLines = name.EndsWith(".csv", StringComparison.Ordinal) ? 1 : 0;
        var kept = string.Join('\n', records.Take(headerLines + 4)) + "\n" + records[headerLines + 4][..10];
        await File.WriteAllTextAsync(results, kept, TestContext.Current.CancellationToken);

        var (code, output, _) = await service.Nev(args);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("resuming after 4 results", output, StringComparison.Ordinal);
        Assert.Equal(complete, await File.ReadAllTextAsync(results, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Running_a_finished_batch_again_says_there_is_nothing_to_do_and_leaves_the_file_alone()
    {
        var (args, results) = await FinishedBatch("done", "done.csv", 4, "d");
        var complete = await File.ReadAllTextAsync(results, TestContext.Current.CancellationToken);

        var (code, output, error) = await service.Nev(args);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("All 4 results", output, StringComparison.Ordinal);
        Assert.Contains("nothing to do", output, StringComparison.Ordinal);
        Assert.Equal("", error);
        Assert.Equal(complete, await File.ReadAllTextAsync(results, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_results_file_out_of_order_is_refused_rather_than_appended_to()
    {
        var (args, results) = await FinishedBatch("order", "order.csv", 5, "o");
        var lines = File.ReadAllLines(results).ToList();
        (lines[1], lines[2]) = (lines[2], lines[1]); // rows 1 and 0 swapped
        File.WriteAllLines(results, lines);

        var (code, _, error) = await service.Nev(args);

        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("line 2", error, StringComparison.Ordinal);
        Assert.Contains("should hold result 0", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sweep_file_runs_as_a_batch()
    {
        var sweep = folder.File("duty.sweep.json", $$"""
            {"scenario": {{ScenarioText.EuDuty(0)}}, "axes": [{"target": "levers[0].rate", "values": [0, 0.1, 0.2, 0.3]}],
             "metrics": [{"name": "byd-eu", "metric": "METRIC_KIND_UNITS", "owner": "byd", "year": 2028, "markets": ["eu"]}]}
            """);
        var results = folder.PathOf("sweep.csv");

        var (code, _, _) = await service.Nev("batch", sweep, "--out", results);

        Assert.Equal(ExitCodes.Ok, code);
        var rows = ReadCsv(results);
        Assert.Equal(4, rows.Count);
        Assert.Contains("levers[0].rate=0.3", (string)rows[3]["label"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("units:byd:eu", "expected kind:owner:markets:year")]
    [InlineData("volume:byd:eu:2028", "unknown metric kind 'volume'")]
    public async Task A_bad_metric_option_is_invalid_input(string metric, string reason)
    {
        var input = folder.File("one.jsonl", ScenarioText.EuDuty(0.1));

        var (code, _, error) = await service.Nev("batch", input, "--metric", metric, "--out", folder.PathOf("x.csv"));

        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_row_names_its_line_and_column()
    {
        var template = folder.File("template.scenario.json", ScenarioText.SzegedLate);
        var input = folder.File("bad.csv", "name,levers[1].rate\nok,0.1\nbad,ten\n");

        var (code, _, error) = await service.Nev("batch", input, "--scenario", template, "--metric", "units:byd:hu:2027", "--out", folder.PathOf("x.csv"));

        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("bad.csv: line 3, column levers[1].rate: 'ten' is not a number", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_line_in_a_jsonl_file_is_named()
    {
        var input = folder.File("bad.jsonl", ScenarioText.EuDuty(0.1) + "\n" + ScenarioText.EuDuty(0.2).Replace("\"rate\"", "\"ratio\"", StringComparison.Ordinal));

        var (code, _, error) = await service.Nev("batch", input, "--metric", "units:byd:eu:2028", "--out", folder.PathOf("x.csv"));

        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("bad.jsonl: line 2, levers[0].tariff.ratio: unknown field 'ratio'", error, StringComparison.Ordinal);
    }

    private static List<IDictionary<string, object>> ReadCsv(string path)
    {
        using var csv = new CsvReader(new StreamReader(path), CultureInfo.InvariantCulture);
        return [.. csv.GetRecords<dynamic>().Cast<IDictionary<string, object>>()];
    }

    /// <summary>
    /// A batch of <paramref name="items"/> EU-duty scenarios (named <c>prefix-0</c>, ...) run to completion into
    /// <paramref name="resultsName"/>; returns the command line, to run it again, and the results file.
    /// </summary>
    private async Task<(string[] Args, string Results)> FinishedBatch(string inputStem, string resultsName, int items, string prefix)
    {
        var input = folder.File($"{inputStem}.jsonl", string.Join('\n', Enumerable.Range(0, items).Select(i => ScenarioText.EuDuty(0.03 * i, $"{prefix}-{i}"))));
        var results = folder.PathOf(resultsName);
        string[] args = ["batch", input, "--metric", "units:byd:eu:2028", "--out", results];
        Assert.Equal(ExitCodes.Ok, (await service.Nev(args)).Code);
        return (args, results);
    }
}
