using NevGrains.Cli.Tests.Support;

namespace NevGrains.Cli.Tests.Connection;

public sealed class ConnectionTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task Without_a_server_nev_runs_the_embedded_service()
    {
        var file = folder.File("szeged.scenario.json", ScenarioText.SzegedLate);

        var (code, output, error) = await Nev.Run("compare", file, "--owner", "byd", "--market", "hu");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("Starting the embedded NevGrains service", error, StringComparison.Ordinal);
        Assert.Contains("szeged-late", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_server_exits_with_three()
    {
        var (code, _, error) = await Nev.Run("brands", "--server", $"http://127.0.0.1:{NevGrains.TestSupport.LoopbackPorts.Free()}");

        Assert.Equal(ExitCodes.Unavailable, code);
        Assert.Contains("unavailable", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_file_fails_before_any_service_starts()
    {
        var file = folder.File("broken.scenario.json", "{ nope");

        var (code, _, error) = await Nev.Run("run", file);

        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.DoesNotContain("Starting the embedded", error, StringComparison.Ordinal);
    }
}
