using NevGrains.Cli.Tests.Support;

namespace NevGrains.Cli.Tests.Commands;

/// <summary><c>nev data export</c> and <c>nev data import</c>: an admin's backup and restore of the service's dataset.</summary>
[Collection(ServiceCollection.Name)]
public sealed class DataBackupCommandTests(ServiceFixture service)
{
    [Fact]
    public async Task Data_export_writes_a_valid_dataset_that_data_import_restores()
    {
        using var folder = new TempFolder();
        var target = Path.Combine(folder.Path, "backup");

        var (exported, exportOutput, _) = await service.Nev("data", "export", target);
        Assert.Equal(ExitCodes.Ok, exported);
        Assert.Contains("files written", exportOutput, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(target, "markets", "hu.json")));

        var (valid, _, _) = await service.Nev("data", "validate", target);
        Assert.Equal(ExitCodes.Ok, valid);

        var (imported, importOutput, _) = await service.Nev("data", "import", target);
        Assert.Equal(ExitCodes.Ok, imported);
        Assert.Contains("dataset version", importOutput, StringComparison.Ordinal);

        // A broken backup is refused before anything is sent, naming the file.
        File.WriteAllText(Path.Combine(target, "markets", "hu.json"), "{ \"id\": \"hu\", ");
        var (refused, _, error) = await service.Nev("data", "import", target);
        Assert.Equal(ExitCodes.InvalidInput, refused);
        Assert.Contains("hu.json", error, StringComparison.Ordinal);
    }
}
