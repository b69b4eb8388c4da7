using NevGrains.Model.Data;
using NevGrains.TestSupport;

namespace NevGrains.Cli.Tests.Commands;

public sealed class DataCommandTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "nevgrains-cli-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task The_shipped_dataset_validates_with_exit_code_zero()
    {
        var (code, output, error) = await Run("data", "validate", Path.Combine(RepositoryPaths.Root, "data", "baseline"));

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("is valid: 26 markets, 9 brands", output);
        Assert.Equal("", error);
    }

    [Fact]
    public async Task A_broken_dataset_exits_with_two_and_names_file_entity_and_field()
    {
        var dataset = SyntheticDataset.Small();
        DatasetLoader.WriteFolder(dataset.WithMarket(dataset.Markets[0] with { BevShare = SyntheticDataset.V(1.2, "share") }), _folder);

        var (code, _, error) = await Run("data", "validate", _folder);

        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("error: markets/de.json: market de: bevShare.value: 1.2 is out of range", error);
    }

    [Fact]
    public async Task The_baseline_summary_shows_markets_and_calibration_targets()
    {
        var (code, output, _) = await Run("baseline");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("Hungary (hu)", output);
        Assert.Contains("China-built NEV exports", output);
        Assert.Contains("Largest brand x market cell error: 0.0%", output);
    }

    private static async Task<(int Code, string Output, string Error)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await NevApp.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
