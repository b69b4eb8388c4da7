using NevGrains.Cli.Connection;

namespace NevGrains.Cli.Tests.Support;

/// <summary>
/// One NevGrains service (the same embedded service `nev` starts without --server) shared by the command tests, which reach
/// it with --server as a planner on another machine would.
/// </summary>
public sealed class ServiceFixture : IAsyncLifetime
{
    private EmbeddedService? service;

    public string Server => service!.Address.ToString();

    public async ValueTask InitializeAsync() => service = await EmbeddedService.Start(CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        if (service is not null)
        {
            await service.DisposeAsync();
        }
    }

    /// <summary>`nev ARGS --server ADDRESS`.</summary>
    public Task<(int Code, string Output, string Error)> Nev(params string[] args) => Support.Nev.Run([.. args, "--server", Server]);
}

[CollectionDefinition(Name)]
public sealed class ServiceCollection : ICollectionFixture<ServiceFixture>
{
    public const string Name = "service";
}

/// <summary>Scenario files the tests write.</summary>
public static class ScenarioText
{
    public const string SzegedLate = """
        {
          "name": "szeged-late",
          "horizon": 2028,
          "levers": [
            { "plant": { "plant": "byd-szeged", "startDelayMonths": 12 } },
            { "tariff": { "jurisdiction": "eu", "rate": 0.1, "from": "2026-01-01", "brands": ["byd"] } }
          ]
        }
        """;

    public static string EuDuty(double rate, string name = "eu-duty") =>
        $$$"""{"name":"{{{name}}}","horizon":2028,"levers":[{"tariff":{"jurisdiction":"eu","rate":{{{rate.ToString(System.Globalization.CultureInfo.InvariantCulture)}}},"from":"2026-01-01"}}]}""";
}
