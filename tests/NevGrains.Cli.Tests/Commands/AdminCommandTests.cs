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
}
