using NevGrains.Cli.Tests.Support;
using NevGrains.TestSupport;

namespace NevGrains.Cli.Tests.Commands;

/// <summary>`nev report` on the shipped examples: the page and the PNGs hold the charts a planner expects.</summary>
[Collection(ServiceCollection.Name)]
public sealed class ReportCommandTests(ServiceFixture service) : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task A_scenario_report_charts_share_units_and_margin_where_the_scenario_bites()
    {
        var (code, output, _) = await service.Nev("report", Example("byd-szeged-eu-duty.scenario.json"), "--out", folder.Path, "--png");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("Report with 3 chart(s)", output, StringComparison.Ordinal);
        var html = await File.ReadAllTextAsync(Path.Combine(folder.Path, "byd-szeged-eu-duty.scenario.html"));
        Assert.Contains("BYD market share", html, StringComparison.Ordinal);
        Assert.Contains("Germany", html, StringComparison.Ordinal); // the markets the EU levers move, not BYD's largest overall
        Assert.Contains("Hungary", html, StringComparison.Ordinal); // where the delayed plant stands
        Assert.Contains("Change over 6 markets de, es, fr, hu, it, rest-europe, 2025-2028", output, StringComparison.Ordinal);
        Assert.Equal(3, Directory.GetFiles(Path.Combine(folder.Path, "byd-szeged-eu-duty.scenario"), "*.png").Length);
    }

    [Theory]
    [InlineData("saic-mg-phev-shift.sensitivity.json", "to one parameter at a time")]
    [InlineData("byd-eu-min-price.sweep.json", "Sweep")]
    [InlineData("byd-szeged-eu-duty.montecarlo.json", "P10")]
    public async Task An_experiment_report_has_its_chart(string example, string expected)
    {
        var (code, output, error) = await service.Nev("report", Example(example), "--out", folder.Path);

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("Report with", output, StringComparison.Ordinal);
        var html = await File.ReadAllTextAsync(Directory.GetFiles(folder.Path, "*.html").Single());
        Assert.Contains(expected, html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("data:image/png;base64,", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reports_of_a_scenario_and_its_monte_carlo_file_of_one_stem_do_not_overwrite_each_other()
    {
        // The Monte Carlo file with 10 of its 100 draws, under the example's own name: the names are the point here, and the
        // whole example's report is the theory above.
        var text = await File.ReadAllTextAsync(Example("byd-szeged-eu-duty.montecarlo.json"), TestContext.Current.CancellationToken);
        Assert.Contains("\"draws\": 100,", text, StringComparison.Ordinal);
        var monteCarloFile = folder.File("byd-szeged-eu-duty.montecarlo.json", text.Replace("\"draws\": 100,", "\"draws\": 10,", StringComparison.Ordinal));

        var scenario = await service.Nev("report", Example("byd-szeged-eu-duty.scenario.json"), "--out", folder.Path);
        var monteCarlo = await service.Nev("report", monteCarloFile, "--out", folder.Path);

        Assert.Equal(ExitCodes.Ok, scenario.Code);
        Assert.Equal(ExitCodes.Ok, monteCarlo.Code);
        Assert.Equal(["byd-szeged-eu-duty.montecarlo.html", "byd-szeged-eu-duty.scenario.html"],
            Directory.GetFiles(folder.Path, "*.html").Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains("BYD market share", await File.ReadAllTextAsync(Path.Combine(folder.Path, "byd-szeged-eu-duty.scenario.html")), StringComparison.Ordinal);
        Assert.Contains("P10", await File.ReadAllTextAsync(Path.Combine(folder.Path, "byd-szeged-eu-duty.montecarlo.html")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_of_an_unknown_kind_is_refused()
    {
        var file = folder.File("notes.json", "{}");

        var (code, _, error) = await service.Nev("report", file);

        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains(".scenario.json", error, StringComparison.Ordinal);
    }

    private static string Example(string name) => Path.Combine(RepositoryPaths.Root, "examples", name);
}
