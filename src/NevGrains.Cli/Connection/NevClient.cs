using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using NevGrains.Api.V1;

namespace NevGrains.Cli.Connection;

/// <summary>
/// The gRPC clients of one `nev` invocation: to <c>--server</c> when given (with <c>--api-key</c>), otherwise to an
/// <see cref="EmbeddedService"/> started for this invocation.
/// </summary>
public sealed class NevClient : IAsyncDisposable
{
    private readonly GrpcChannel channel;
    private readonly EmbeddedService? embedded;

    private NevClient(GrpcChannel channel, EmbeddedService? embedded, CallInvoker invoker)
    {
        this.channel = channel;
        this.embedded = embedded;
        Catalog = new CatalogService.CatalogServiceClient(invoker);
        Scenarios = new ScenarioService.ScenarioServiceClient(invoker);
        Batches = new BatchService.BatchServiceClient(invoker);
        Experiments = new ExperimentService.ExperimentServiceClient(invoker);
        Admin = new AdminService.AdminServiceClient(invoker);
    }

    public CatalogService.CatalogServiceClient Catalog { get; }
    public ScenarioService.ScenarioServiceClient Scenarios { get; }
    public BatchService.BatchServiceClient Batches { get; }
    public ExperimentService.ExperimentServiceClient Experiments { get; }
    public AdminService.AdminServiceClient Admin { get; }

    /// <summary>True when this invocation runs its own in-process service (state is lost when it ends).</summary>
    public bool IsEmbedded => embedded is not null;

    public string Describe => embedded is null ? channel.Target : "embedded service (in-memory, shipped baseline)";

    public static async Task<NevClient> Connect(ServerOptions options, TextWriter status, CancellationToken cancellationToken)
    {
        EmbeddedService? embedded = null;
        Uri address;
        if (options.Server is { } server)
        {
            address = server;
        }
        else
        {
            status.WriteLine("Starting the embedded NevGrains service (in-memory state, shipped baseline)...");
            embedded = await EmbeddedService.Start(cancellationToken);
            address = embedded.Address;
        }
        var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = 256 * 1024 * 1024,
            MaxSendMessageSize = 64 * 1024 * 1024,
        });
        var key = options.ApiKey;
        var invoker = string.IsNullOrEmpty(key)
            ? channel.CreateCallInvoker()
            : channel.Intercept(metadata =>
            {
                metadata.Add("x-api-key", key);
                return metadata;
            });
        return new NevClient(channel, embedded, invoker);
    }

    public async ValueTask DisposeAsync()
    {
        channel.Dispose();
        if (embedded is not null)
        {
            await embedded.DisposeAsync();
        }
    }
}

/// <summary>Where the service is and who is calling: options, then environment variables.</summary>
public sealed record ServerOptions(Uri? Server, string? ApiKey)
{
    public const string ServerVariable = "NEVGRAINS_SERVER";
    public const string ApiKeyVariable = "NEVGRAINS_API_KEY";
}
