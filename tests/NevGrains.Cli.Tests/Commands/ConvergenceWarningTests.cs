using System.Globalization;
using CsvHelper;
using Google.Protobuf;
using NevGrains.Api.V1;
using NevGrains.Cli.Output;
using NevGrains.Cli.Tests.Support;

namespace NevGrains.Cli.Tests.Commands;

/// <summary>
/// The warning `nev` prints on stderr when a result's solver diagnostics report years that did not converge, shown answers
/// built by hand (<see cref="CannedGateway"/>): one line, stdout left clean for csv and json, nothing when every year converged.
/// </summary>
public sealed class ConvergenceWarningTests(CannedGateway gateway) : IClassFixture<CannedGateway>, IDisposable
{
    private const string Unconverged =
        "warning: the equilibrium did not converge in 2027, 2028 (largest residual 2.1e-03); figures for those years are approximate";

    private const string BaseUnconverged =
        "warning: the equilibrium did not converge in 2028 (largest residual 2.1e-03); figures for that year are approximate";

    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void The_warning_names_the_years_that_did_not_converge_and_the_largest_residual() =>
        Assert.Equal(Unconverged, ConvergenceWarning.For(CannedResults.Diagnostics(2027, 2028)));

    [Fact]
    public void Every_year_converged_means_no_warning()
    {
        var error = new StringWriter();

        ConvergenceWarning.Write(error, CannedResults.Diagnostics(), CannedResults.Diagnostics(), null);

        Assert.Null(ConvergenceWarning.For(CannedResults.Diagnostics()));
        Assert.Equal("", error.ToString());
    }

    [Fact]
    public void A_comparison_warns_about_the_years_of_both_runs()
    {
        var error = new StringWriter();

        ConvergenceWarning.Write(error, CannedResults.Diagnostics(2027), CannedResults.Diagnostics(2028));

        Assert.Equal(Unconverged + Environment.NewLine, error.ToString());
    }

    [Fact]
    public void Diagnostics_without_years_are_judged_by_their_count()
    {
        var older = new SolverDiagnostics { Iterations = 400, MaxPriceResidual = 0.0034, YearsNotConverged = 2 };

        Assert.Equal("warning: the equilibrium did not converge in 2 years (largest residual 3.4e-03); figures for those years are approximate",
            ConvergenceWarning.For(older));
        Assert.Null(ConvergenceWarning.For(new SolverDiagnostics { Iterations = 60, MaxPriceResidual = 0.0004 }));
    }

    [Theory]
    [InlineData("run")]
    [InlineData("compare")]
    [InlineData("explain")]
    public async Task Json_output_stays_clean_and_carries_the_diagnostics_while_the_warning_goes_to_stderr(string command)
    {
        var file = Scenario("unconverged");

        var (code, output, error) = await gateway.Nev(command, file, "--owner", "byd", "--format", "json");

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Equal(new[] { Unconverged }, Lines(error));
        var diagnostics = command switch
        {
            "run" => JsonParser.Default.Parse<RunScenarioResponse>(output).Result.Diagnostics,
            "compare" => JsonParser.Default.Parse<CompareScenarioResponse>(output).Diagnostics,
            _ => JsonParser.Default.Parse<ExplainScenarioResponse>(output).Diagnostics,
        };
        Assert.False(diagnostics.Converged);
        Assert.Equal(2, diagnostics.YearsNotConverged);
        Assert.Equal(3, diagnostics.Years.Count);
    }

    [Fact]
    public async Task Csv_output_stays_clean_while_the_warning_goes_to_stderr()
    {
        var file = Scenario("unconverged");

        var (code, output, error) = await gateway.Nev("run", file, "--owner", "byd", "--format", "csv");

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Equal(new[] { Unconverged }, Lines(error));
        using var csv = new CsvReader(new StringReader(output), CultureInfo.InvariantCulture);
        var rows = csv.GetRecords<dynamic>().Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(4, rows.Count); // 2025 to 2028, nothing else
        Assert.Equal("850", (string)Assert.Single(rows, r => (string)r["year"] == "2028")["scarcity_rent_usd"]);
    }

    [Theory]
    [InlineData("compare")]
    [InlineData("explain")]
    public async Task A_base_that_did_not_converge_warns_too(string command)
    {
        var file = Scenario("base-unconverged");

        var (code, output, error) = await gateway.Nev(command, file, "--owner", "byd");

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("base-unconverged", output, StringComparison.Ordinal);
        Assert.DoesNotContain("warning", output, StringComparison.Ordinal);
        Assert.Equal(new[] { BaseUnconverged }, Lines(error));
    }

    [Theory]
    [InlineData("run", "table")]
    [InlineData("run", "json")]
    [InlineData("compare", "table")]
    [InlineData("compare", "csv")]
    [InlineData("explain", "table")]
    public async Task A_converged_result_prints_no_warning(string command, string format)
    {
        var file = Scenario("converged");

        var (code, _, error) = await gateway.Nev(command, file, "--owner", "byd", "--format", format);

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Empty(Lines(error));
    }

    [Fact]
    public async Task A_scenario_report_warns_once_and_is_written()
    {
        var file = Scenario("unconverged");

        var (code, output, error) = await gateway.Nev("report", file, "--out", folder.PathOf("reports"));

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("Report with", output, StringComparison.Ordinal);
        Assert.Equal(new[] { Unconverged }, Lines(error));
    }

    [Fact]
    public async Task A_converged_scenario_report_prints_no_warning()
    {
        var file = Scenario("converged");

        var (code, _, error) = await gateway.Nev("report", file, "--out", folder.PathOf("reports"));

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Empty(Lines(error));
    }

    private string Scenario(string name) => folder.File($"{name}.scenario.json", $$"""{"name":"{{name}}","horizon":{{CannedResults.Horizon}}}""");

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
