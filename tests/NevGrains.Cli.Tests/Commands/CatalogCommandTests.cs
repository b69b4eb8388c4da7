using System.Globalization;
using CsvHelper;
using NevGrains.Cli.Tests.Support;

namespace NevGrains.Cli.Tests.Commands;

[Collection(ServiceCollection.Name)]
public sealed class CatalogCommandTests(ServiceFixture service)
{
    [Fact]
    public async Task Brands_lists_every_brand_with_its_plants()
    {
        var (code, output, _) = await service.Nev("brands");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("byd", output, StringComparison.Ordinal);
        Assert.Contains("leapmotor", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Markets_as_csv_parse_back_with_one_row_per_market()
    {
        using var folder = new TempFolder();
        var path = folder.PathOf("markets.csv");

        var (code, _, _) = await service.Nev("markets", "--format", "csv", "--out", path);

        Assert.Equal(ExitCodes.Ok, code);
        using var csv = new CsvReader(new StreamReader(path), CultureInfo.InvariantCulture);
        var rows = csv.GetRecords<dynamic>().Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(26, rows.Count);
        var hungary = Assert.Single(rows, r => (string)r["id"] == "hu");
        Assert.Equal("eu", hungary["customs union"]);
        Assert.InRange(double.Parse((string)hungary["BEV share"], CultureInfo.InvariantCulture), 0.01, 0.5);
    }

    [Fact]
    public async Task Show_prints_the_full_state_of_a_brand_and_a_market()
    {
        var brand = await service.Nev("show", "brand", "byd");
        var market = await service.Nev("show", "market", "br");

        Assert.Equal(ExitCodes.Ok, brand.Code);
        Assert.Contains("byd-szeged", brand.Output, StringComparison.Ordinal);
        Assert.Contains("\"plants\"", brand.Output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, market.Code);
        Assert.Contains("Brazil", market.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_id_is_refused_with_exit_code_four()
    {
        var (code, _, error) = await service.Nev("show", "brand", "tesla");

        Assert.Equal(ExitCodes.Refused, code);
        Assert.Contains("tesla", error, StringComparison.Ordinal);
    }
}
