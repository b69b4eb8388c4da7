using NevGrains.Cli.Tests.Support;

namespace NevGrains.Cli.Tests.Commands;

[Collection(ServiceCollection.Name)]
public sealed class AdminCommandTests(ServiceFixture service)
{
    [Fact]
    public async Task Status_lists_the_silos_and_pending_work()
    {
        var (code, output, _) = await service.Nev("admin", "status");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("Active", output, StringComparison.Ordinal);
        Assert.Contains("item(s) pending", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drain_of_an_unknown_silo_or_the_last_one_is_refused_and_the_service_keeps_serving()
    {
        var (unknown, _, unknownError) = await service.Nev("admin", "drain", "no-such-silo");
        Assert.Equal(ExitCodes.Refused, unknown);
        Assert.Contains("no-such-silo", unknownError, StringComparison.Ordinal);

        var (_, json, _) = await service.Nev("admin", "status", "--format", "json");
        var silo = System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("silos")[0].GetProperty("address").GetString()!;
        var (last, _, lastError) = await service.Nev("admin", "drain", silo);
        Assert.Equal(ExitCodes.Refused, last);
        Assert.Contains("last active silo", lastError, StringComparison.Ordinal);

        var (after, output, _) = await service.Nev("admin", "status");
        Assert.Equal(ExitCodes.Ok, after);
        Assert.Contains("Active", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("status")]
    [InlineData("drain", "silo-a")]
    public async Task Admin_commands_without_a_server_say_they_need_one_instead_of_reporting_on_a_throwaway_service(params string[] command)
    {
        var previous = Environment.GetEnvironmentVariable(NevGrains.Cli.Connection.ServerOptions.ServerVariable);
        Assert.True(string.IsNullOrEmpty(previous), "the test needs the server variable unset");

        var (code, output, error) = await Nev.Run(["admin", .. command]);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("give --server", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Starting the embedded", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_server_address_is_an_input_error_naming_the_option()
    {
        var (code, output, error) = await Nev.Run(["admin", "status", "--server", "a b"]);

        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("--server", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", error + output, StringComparison.Ordinal);
    }
}
