using System.Globalization;
using Grpc.Health.V1;
using Grpc.Net.Client;
using NevGrains.Api.V1;
using NevGrains.TestSupport;

namespace NevGrains.Silo.Tests.Support;

/// <summary>
/// Silo processes and a gateway process on 127.0.0.1, clustered and storing state in Azure Table storage on Azurite: the
/// layout of deploy/local/cluster.sh, with a fresh cluster id per test.
/// </summary>
public sealed class LoopbackCluster : IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly string _clusterId = "t" + Guid.NewGuid().ToString("N")[..12];
    private readonly List<HostProcess> _processes = [];
    private int _gatewayPort;
    private volatile GrpcChannel? _channel;

    public LoopbackCluster(string azureStorageConnectionString) => _connectionString = azureStorageConnectionString;

    public Dictionary<string, int> SiloPorts { get; } = [];

    /// <summary>Each silo's HTTP port: health, <c>/metrics</c>.</summary>
    public Dictionary<string, int> HttpPorts { get; } = [];

    public AdminService.AdminServiceClient Admin => new(Channel);

    public BatchService.BatchServiceClient Batches => new(Channel);

    private GrpcChannel Channel => _channel ?? throw new InvalidOperationException("start the gateway first");

    /// <summary>Starts a silo and waits until its readiness endpoint says it is an active member.</summary>
    public async Task<HostProcess> StartSilo(string name, IReadOnlyDictionary<string, string>? settings = null)
    {
        var siloPort = LoopbackPorts.Free();
        var silo = HostProcess.Start(name, "NevGrains.Silo", new Dictionary<string, string>(Storage())
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["NevGrains__SiloName"] = name,
            ["NevGrains__AdvertisedIp"] = "127.0.0.1",
            ["NevGrains__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["NevGrains__GatewayPort"] = LoopbackPorts.Free().ToString(CultureInfo.InvariantCulture),
            ["NevGrains__ShutdownTimeout"] = "00:00:20",
        }.Concat(settings ?? new Dictionary<string, string>()).ToDictionary());
        _processes.Add(silo);
        var httpPort = await silo.ListeningPort(TimeSpan.FromMinutes(2));
        SiloPorts[name] = siloPort;
        HttpPorts[name] = httpPort;
        using var http = new HttpClient();
        await Until(async () =>
        {
            if (silo.HasExited)
            {
                Assert.Fail($"{name} exited ({silo.ExitCode}):\n{silo.Output()}");
            }
            try
            {
                return (await http.GetAsync(new Uri($"http://127.0.0.1:{httpPort}/health/ready"), TestContext.Current.CancellationToken)).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromMinutes(2), $"{name} did not become ready");
        return silo;
    }

    /// <summary>Starts the gateway as a cluster client and waits until its gRPC health reports SERVING.</summary>
    public async Task StartGateway()
    {
        var gateway = HostProcess.Start("gateway", "NevGrains.Gateway", new Dictionary<string, string>(Storage())
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["NevGrains__Gateway__Mode"] = "Cluster",
            ["NevGrains__Gateway__Auth__AllowAnonymousOnLoopback"] = "true",
        });
        _processes.Add(gateway);
        _gatewayPort = await gateway.ListeningPort(TimeSpan.FromMinutes(2));
        // A channel to the new port, replacing any to an old gateway (a client task may ask for one while the gateway restarts).
        var previous = _channel;
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{_gatewayPort}");
        previous?.Dispose();
        var health = new Health.HealthClient(Channel);
        await Until(async () =>
        {
            if (gateway.HasExited)
            {
                Assert.Fail($"the gateway exited ({gateway.ExitCode}):\n{gateway.Output()}");
            }
            try
            {
                return (await health.CheckAsync(new HealthCheckRequest(), cancellationToken: TestContext.Current.CancellationToken)).Status == HealthCheckResponse.Types.ServingStatus.Serving;
            }
            catch (Grpc.Core.RpcException)
            {
                return false;
            }
        }, TimeSpan.FromMinutes(2), "the gateway did not report SERVING");
    }

    /// <summary>Kills the gateway (SIGKILL: open calls and streams break) and starts a new one; clients get a channel to it.</summary>
    public async Task RestartGateway()
    {
        var old = _processes.Single(p => p.Name == "gateway");
        old.Kill();
        _processes.Remove(old);
        old.Dispose();
        await StartGateway();
    }

    /// <summary>Waits until <paramref name="condition"/> holds; fails with <paramref name="what"/> and the processes' logs.</summary>
    public Task Until(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        Poll.Until(condition, timeout, () => $"{what}.\n{Logs()}");

    public string Logs() => string.Join("\n", _processes.Select(p => $"---- {p.Name} ----\n{Tail(p.Output())}"));

    private static string Tail(string text) => text.Length > 6_000 ? text[^6_000..] : text;

    private Dictionary<string, string> Storage() => new()
    {
        ["NevGrains__Clustering"] = "AzureTable",
        ["NevGrains__Storage"] = "Azure",
        ["NevGrains__ClusterId"] = _clusterId,
        ["NevGrains__TablePrefix"] = _clusterId,
        ["ConnectionStrings__AzureStorage"] = _connectionString,
        ["Logging__LogLevel__Default"] = "Warning",
    };

    public async ValueTask DisposeAsync()
    {
        _channel?.Dispose();
        // Gateway first, so it does not log the silos going away; then the silos.
        foreach (var process in Enumerable.Reverse(_processes))
        {
            process.Dispose();
        }
        await Task.CompletedTask;
    }
}
