using System.Globalization;
using CsvHelper;
using Google.Protobuf;
using NevGrains.Api.V1;
using NevGrains.Cli.Tests.Support;

namespace NevGrains.Cli.Tests.Commands;

[Collection(ServiceCollection.Name)]
public sealed class ScenarioCommandTests(ServiceFixture service) : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task Run_prints_totals_and_its_json_parses_back_as_the_api_response()
    {
        var file = folder.File("szeged.scenario.json", ScenarioText.SzegedLate);

        var table = await service.Nev("run", file, "--owner", "byd", "--year", "2027");
        var json = await service.Nev("run", file, "--owner", "byd", "--market", "hu", "--format", "json");

        Assert.Equal(ExitCodes.Ok, table.Code);
        Assert.Contains("szeged-late", table.Output, StringComparison.Ordinal);
        Assert.Contains("2027", table.Output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, json.Code);
        var response = JsonParser.Default.Parse<RunScenarioResponse>(json.Output);
        Assert.Equal(2028, response.Result.Horizon);
        Assert.All(response.Result.Cells, c => Assert.Equal(("byd", "hu"), (c.Owner, c.Market)));
        Assert.Equal(4, response.Result.Cells.Count); // 2025 to 2028
    }

    [Fact]
    public async Task The_base_converges_so_run_prints_no_warning_and_its_json_carries_the_diagnostics()
    {
        var file = folder.File("base.scenario.json", """{"name":"base","horizon":2028}""");

        var (code, output, error) = await service.Nev("run", file, "--owner", "byd", "--market", "hu", "--format", "json");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.DoesNotContain("warning", error, StringComparison.Ordinal);
        var diagnostics = JsonParser.Default.Parse<RunScenarioResponse>(output).Result.Diagnostics;
        Assert.True(diagnostics.Converged);
        Assert.Equal(new[] { 2026, 2027, 2028 }, diagnostics.Years.Select(y => y.Year));
    }

    [Fact]
    public async Task Compare_as_csv_has_one_row_per_cell_with_base_and_scenario()
    {
        var file = folder.File("szeged.scenario.json", ScenarioText.SzegedLate);
        var path = folder.PathOf("compare.csv");

        var (code, _, _) = await service.Nev("compare", file, "--owner", "byd", "--market", "de", "hu", "--format", "csv", "--out", path);

        Assert.Equal(ExitCodes.Ok, code);
        using var csv = new CsvReader(new StreamReader(path), CultureInfo.InvariantCulture);
        var rows = csv.GetRecords<dynamic>().Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(8, rows.Count); // 2 markets x 4 years
        var hu2027 = Assert.Single(rows, r => (string)r["market"] == "hu" && (string)r["year"] == "2027");
        Assert.True(double.Parse((string)hu2027["scenario_units"], CultureInfo.InvariantCulture) < double.Parse((string)hu2027["base_units"], CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Explain_splits_the_change_by_driver()
    {
        var file = folder.File("szeged.scenario.json", ScenarioText.SzegedLate);

        var (code, output, _) = await service.Nev("explain", file, "--owner", "byd", "--market", "de", "--year", "2027");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("tariff", output, StringComparison.Ordinal);
        Assert.Contains("plant/route", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_is_not_json_names_the_line()
    {
        var file = folder.File("broken.scenario.json", "{\n  \"name\": \"x\",\n  \"horizon\": 2028,,\n}");

        var (code, _, error) = await service.Nev("run", file);

        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("broken.scenario.json: line 3:", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_field_is_named()
    {
        var file = folder.File("typo.scenario.json", """{"name":"x","levers":[{"plant":{"plant":"byd-szeged","startDelay":12}}]}""");

        var (code, _, error) = await service.Nev("run", file);

        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("typo.scenario.json", error, StringComparison.Ordinal);
        Assert.Contains("startDelay", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_value_the_model_rejects_is_reported_with_file_field_and_reason()
    {
        var file = folder.File("negative.scenario.json", ScenarioText.EuDuty(-0.2, "negative"));

        var (code, _, error) = await service.Nev("compare", file);

        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("negative.scenario.json: levers[0].tariff.rate:", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_value_the_model_rejects_is_listed_on_its_own_line()
    {
        var file = folder.File("two-issues.scenario.json",
            """{"name":"x","horizon":2100,"levers":[{"tariff":{"jurisdiction":"eu","rate":-1,"from":"2026-01-01"}}]}""");

        var (code, _, error) = await service.Nev("run", file);

        Assert.Equal(ExitCodes.InvalidInput, code);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("error: ", StringComparison.Ordinal) && l.Contains("two-issues.scenario.json: horizon:", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("error: ", StringComparison.Ordinal) && l.Contains("two-issues.scenario.json: levers[0].tariff.rate:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_missing_file_is_invalid_input()
    {
        var (code, _, error) = await service.Nev("run", folder.PathOf("nowhere.scenario.json"));

        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("nowhere.scenario.json", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--owner", "bydd", "--owner: unknown brand or competitor 'bydd'; did you mean 'byd'?")]
    [InlineData("--market", "xx", "--market: unknown market 'xx'")]
    [InlineData("--year", "2040", "--year: 2040 is outside the run's years 2025..2028")]
    public async Task A_filter_naming_what_the_dataset_lacks_is_an_error_not_an_empty_table(string option, string value, string message)
    {
        var file = folder.File("filtered.scenario.json", ScenarioText.SzegedLate);

        var (code, output, error) = await service.Nev("run", file, option, value);

        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.DoesNotContain("szeged-late", output, StringComparison.Ordinal); // no table
    }

    [Theory]
    [InlineData("""
        {
          "name": "typo",
          "levers": [
            { "plant": { "plant": "byd-szeged", "startDelayMonth": 12 } }
          ]
        }
        """, "line 4, levers[0].plant.startDelayMonth: unknown field 'startDelayMonth'; did you mean 'startDelayMonths'?")]
    [InlineData("""
        {
          "name": "dataset spelling",
          "levers": [
            { "priceUndertaking": { "jurisdiction": "eu", "brand": "byd", "minImportPriceUsd": 30000, "from": "2026-07-01",
              "powertrains": ["POWERTRAIN_PHEV", "BEV"] } }
          ]
        }
        """, "line 5, levers[0].priceUndertaking.powertrains[1]: 'BEV' is not a Powertrain; did you mean 'POWERTRAIN_BEV'?")]
    public async Task A_scenario_file_mistake_names_its_line_and_json_path_and_the_accepted_spelling(string text, string expected)
    {
        var file = folder.File("mistake.scenario.json", text);

        var (code, _, error) = await service.Nev("run", file);

        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("mistake.scenario.json: " + expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_output_format_lists_the_accepted_ones_without_type_names()
    {
        var file = folder.File("format.scenario.json", ScenarioText.SzegedLate);

        var (code, _, error) = await service.Nev("run", file, "--format", "xml");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--format 'xml' is not one of: table, csv, json", error, StringComparison.Ordinal);
        Assert.DoesNotContain("NevGrains.", error, StringComparison.Ordinal);
    }
}
