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

    [Fact]
    public async Task A_batch_killed_three_times_mid_write_resumes_to_a_file_with_every_index_exactly_once()
    {
        var input = folder.File("kill.jsonl", string.Join('\n', Enumerable.Range(0, Items).Select(i => ScenarioText.EuDuty(0.002 * i, $"k-{i}"))));
        var results = folder.PathOf("kill.csv");
        string[] args = ["batch", input, "--metric", "units:byd:eu:2028", "--out", results, "--chunk-size", "5", "--server", service.Server];

        // Killed once the file holds at least this many records (random points within the run, different each time).
        foreach (var atLeast in new[] { 1, 40 + Random.Shared.Next(30), 100 + Random.Shared.Next(30) })
        {
            using var nev = Start(args);
            await Poll.Until(() => Task.FromResult(nev.HasExited || Records(results) >= atLeast), TimeSpan.FromMinutes(3),
                () => $"nev wrote {Records(results)} records");
            nev.Kill(entireProcessTree: true);
            await nev.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
        var (code, _, error) = await service.Nev(args[..^2]);

        Assert.True(code == ExitCodes.Ok, error);
        var indices = File.ReadAllLines(results).Skip(1).Select(l => long.Parse(l.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Enumerable.Range(0, Items).Select(i => (long)i), indices);
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

    /// <summary>Complete records in the file (lines ended by a newline, after the header).</summary>
    private static int Records(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var text = reader.ReadToEnd();
            return Math.Max(0, text.Count(c => c == '\n') - 1);
        }
        catch (FileNotFoundException)
        {
            return 0;
        }
    }
}
