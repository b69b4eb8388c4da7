using System.Diagnostics;
using NevGrains.Cli.Tests.Support;
using NevGrains.TestSupport;

namespace NevGrains.Cli.Tests.Commands;

/// <summary>
/// `nev batch` as a process killed with SIGKILL (no Ctrl-C handler runs) at several points of its results file, then run again:
/// the batch lives on in the service, the command resumes at the first missing index, and the final file holds every index once.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class BatchKillTests(ServiceFixture service) : IDisposable
{
    private const int Items = 150;
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData(".csv")]
    [InlineData(".jsonl")]
    public async Task A_batch_killed_five_times_mid_write_resumes_to_a_file_with_every_index_exactly_once(string extension)
    {
        var input = folder.File("kill.jsonl", string.Join('\n', Enumerable.Range(0, Items).Select(i => ScenarioText.EuDuty(0.002 * i, $"k-{i}"))));
        var results = folder.PathOf("kill-results" + extension);
        string[] args = ["batch", input, "--metric", "units:byd:eu:2028", "--out", results, "--chunk-size", "5", "--server", service.Server];

        // Killed once the file holds at least this many records (random points within the run, different each time).
        foreach (var atLeast in new[] { 1, 20 + Random.Shared.Next(20), 50 + Random.Shared.Next(20), 80 + Random.Shared.Next(20), 110 + Random.Shared.Next(20) })
        {
            using var nev = Start(args);
            await Poll.Until(() => Task.FromResult(nev.HasExited || Records(results) >= atLeast), TimeSpan.FromMinutes(3),
                () => $"nev wrote {Records(results)} records");
            nev.Kill(entireProcessTree: true);
            await nev.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
        var (code, _, error) = await service.Nev(args[..^2]);

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Equal(Enumerable.Range(0, Items).Select(i => (long)i), Indices(results));
    }

    /// <summary>The index of every record, in file order: CSV's first column after the header, or each JSON line's <c>index</c>.</summary>
    private static List<long> Indices(string path)
    {
        var lines = File.ReadAllLines(path);
        if (path.EndsWith(".csv", StringComparison.Ordinal))
        {
            return [.. lines.Skip(1).Select(l => long.Parse(l.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture))];
        }
        return [.. lines.Select(l =>
        {
            using var record = System.Text.Json.JsonDocument.Parse(l);
            // Protobuf JSON writes an int64 as a string and leaves out the default 0.
            return record.RootElement.TryGetProperty("index", out var index)
                ? long.Parse(index.ValueKind == System.Text.Json.JsonValueKind.String ? index.GetString()! : index.GetRawText(), System.Globalization.CultureInfo.InvariantCulture)
                : 0L;
        })];
    }

    private static Process Start(string[] args)
    {
        var nev = Path.Combine(AppContext.BaseDirectory, "nev.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(nev);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Complete records in the file (lines ended by a newline, after a CSV file's header).</summary>
    private static int Records(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var text = reader.ReadToEnd();
            var header = path.EndsWith(".csv", StringComparison.Ordinal) ? 1 : 0;
            return Math.Max(0, text.Count(c => c == '\n') - header);
        }
        catch (FileNotFoundException)
        {
            return 0;
        }
    }
}
