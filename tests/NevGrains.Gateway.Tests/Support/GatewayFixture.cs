using NevGrains.Api.V1;

namespace NevGrains.Gateway.Tests.Support;

/// <summary>API keys the shared gateway accepts: one caller per role, and a second planner for ownership checks.</summary>
public static class Keys
{
    public const string Reader = "key-reader-0123456789";
    public const string Planner = "key-planner-0123456789";
    public const string OtherPlanner = "key-planner2-0123456789";
    public const string Admin = "key-admin-0123456789";
    /// <summary>A planner no other test uses, for a test that counts on having none of its own batches running.</summary>
    public const string SoloPlanner = "key-planner3-0123456789";
    /// <summary>A planner whose model runs the compute tests count (caller "dora").</summary>
    public const string CountedPlanner = "key-planner4-0123456789";
}

/// <summary>
/// One embedded gateway (silo in process, in-memory state, shipped baseline) shared by the API tests: anonymous access off,
/// small limits so the tests can reach them.
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public const long MaxBatchItems = 500;
    public const int MaxConcurrentBatches = 2;
    public const long MaxExperimentRuns = 400;
    public const int MaxReceiveMessageBytes = 1024 * 1024;

    public GatewayHost Host { get; private set; } = null!;

    /// <summary>Where Prometheus would scrape this gateway.</summary>
    public int MetricsPort { get; } = TestSupport.LoopbackPorts.Free();

    public async ValueTask InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["NevGrains:Gateway:Mode"] = "Embedded",
            ["NevGrains:Gateway:Auth:AllowAnonymousOnLoopback"] = "false",
            ["NevGrains:Gateway:Limits:MaxBatchItems"] = MaxBatchItems.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["NevGrains:Gateway:Limits:MaxConcurrentBatchesPerCaller"] = MaxConcurrentBatches.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["NevGrains:Gateway:Limits:MaxExperimentRuns"] = MaxExperimentRuns.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["NevGrains:Gateway:Limits:MaxReceiveMessageBytes"] = MaxReceiveMessageBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["NevGrains:Gateway:MetricsPort"] = MetricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["NevGrains:Gateway:LoadPollInterval"] = "00:00:00.500",
        };
        AddKey(settings, 0, Keys.Reader, "rita", "reader");
        AddKey(settings, 1, Keys.Planner, "paul", "planner");
        AddKey(settings, 2, Keys.OtherPlanner, "petra", "planner");
        AddKey(settings, 3, Keys.Admin, "ada", "admin");
        AddKey(settings, 4, Keys.SoloPlanner, "sam", "planner");
        AddKey(settings, 5, Keys.CountedPlanner, "dora", "planner");
        Host = await GatewayHost.Start(settings);
        await Host.Started;
        // The first call waits for the dataset to load, so tests measure behaviour, not warm-up.
        await new CatalogService.CatalogServiceClient(Host.Client(Keys.Reader)).GetDatasetInfoAsync(new GetDatasetInfoRequest());
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();

    public CatalogService.CatalogServiceClient Catalog(string? key = Keys.Reader) => new(Host.Client(key));

    public ScenarioService.ScenarioServiceClient Scenarios(string? key = Keys.Planner) => new(Host.Client(key));

    public BatchService.BatchServiceClient Batches(string? key = Keys.Planner) => new(Host.Client(key));

    public ExperimentService.ExperimentServiceClient Experiments(string? key = Keys.Planner) => new(Host.Client(key));

    public AdminService.AdminServiceClient Admin(string? key = Keys.Admin) => new(Host.Client(key));

    private static void AddKey(Dictionary<string, string?> settings, int index, string key, string caller, string role)
    {
        settings[$"NevGrains:Gateway:Auth:ApiKeys:{index}:Key"] = key;
        settings[$"NevGrains:Gateway:Auth:ApiKeys:{index}:Caller"] = caller;
        settings[$"NevGrains:Gateway:Auth:ApiKeys:{index}:Roles:0"] = role;
    }
}

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "gateway";
}
