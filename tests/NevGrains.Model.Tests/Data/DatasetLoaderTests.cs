using NevGrains.Model.Data;
using NevGrains.TestSupport;

namespace NevGrains.Model.Tests.Data;

public sealed class DatasetLoaderTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "nevgrains-loader-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public void A_written_dataset_reads_back_identically()
    {
        var dataset = SyntheticDataset.Small();

        DatasetLoader.WriteFolder(dataset, _folder);
        var read = DatasetLoader.LoadFolder(_folder);

        Assert.Equal(DatasetLoader.ToFiles(dataset), DatasetLoader.ToFiles(read));
        Assert.Equal(dataset.Markets.Length, read.Markets.Length);
        Assert.Equal(dataset.Brands[0].Plants[1].Capacity[1].Units.Value, read.Brands[0].Plants[1].Capacity[1].Units.Value);
        Assert.Equal(dataset.Tariffs[0].Rules[1].ValidFrom, read.Tariffs[0].Rules[1].ValidFrom);
    }

    [Fact]
    public void The_shipped_baseline_round_trips_through_files()
    {
        var shipped = DatasetLoader.LoadEmbeddedBaseline();

        DatasetLoader.WriteFolder(shipped, _folder);
        var read = DatasetLoader.LoadFolder(_folder);

        Assert.Equal(DatasetLoader.ToFiles(shipped), DatasetLoader.ToFiles(read));
    }

    [Fact]
    public void Malformed_json_names_the_file_and_line()
    {
        DatasetLoader.WriteFolder(SyntheticDataset.Small(), _folder);
        File.WriteAllText(Path.Combine(_folder, "markets", "de.json"), "{\n  \"id\": \"de\",\n  \"name\": \n}");

        var error = Assert.Throws<DatasetException>(() => DatasetLoader.LoadFolder(_folder));

        var issue = Assert.Single(error.Issues);
        Assert.Equal("markets/de.json", issue.File);
        Assert.Contains("line", issue.Message);
    }

    [Fact]
    public void An_unknown_field_is_rejected_rather_than_ignored()
    {
        DatasetLoader.WriteFolder(SyntheticDataset.Small(), _folder);
        var path = Path.Combine(_folder, "competitors.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"name\": \"Tesla\"", "\"name\": \"Tesla\", \"colour\": \"red\""));

        var error = Assert.Throws<DatasetException>(() => DatasetLoader.LoadFolder(_folder));

        Assert.Contains(error.Issues, i => i.File == "competitors.json" && i.Message.Contains("colour"));
    }

    [Fact]
    public void A_missing_required_field_is_rejected()
    {
        DatasetLoader.WriteFolder(SyntheticDataset.Small(), _folder);
        var path = Path.Combine(_folder, "markets", "th.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        json.Remove("vatRate");
        File.WriteAllText(path, json.ToJsonString());

        var error = Assert.Throws<DatasetException>(() => DatasetLoader.LoadFolder(_folder));

        Assert.Contains(error.Issues, i => i.File == "markets/th.json" && i.Message.Contains("vatRate"));
    }

    [Fact]
    public void A_missing_folder_is_a_clear_error()
    {
        var error = Assert.Throws<DatasetException>(() => DatasetLoader.LoadFolder(Path.Combine(_folder, "nope")));

        Assert.Contains("does not exist", error.Issues[0].Message);
    }
}
