using Microsoft.Extensions.Options;

namespace NevGrains.Gateway.Hosting;

public enum GatewayMode
{
    /// <summary>A silo in this process with in-memory state: the embedded default.</summary>
    Embedded,
    /// <summary>An Orleans client of a separate silo cluster.</summary>
    Cluster,
}

/// <summary>The gateway's configuration (section <c>NevGrains:Gateway</c>).</summary>
public sealed class GatewayOptions
{
    public const string Section = "NevGrains:Gateway";

    public GatewayMode Mode { get; set; } = GatewayMode.Embedded;

    public AuthOptions Auth { get; set; } = new();

    public LimitOptions Limits { get; set; } = new();

    /// <summary>The port Prometheus scrapes the gateway's <c>/metrics</c> on (HTTP/1.1; 9464 by convention); off when 0. The gRPC
    /// port speaks HTTP/2 only, so metrics get a Kestrel endpoint of their own, and only that endpoint serves them.</summary>
    public int MetricsPort { get; set; }

    /// <summary>The metrics endpoint's host: <c>localhost</c> (127.0.0.1 and ::1), an IP address, or <c>*</c> (every interface, as in
    /// a container, so Prometheus can reach it by the pod's IP).</summary>
    public string MetricsHost { get; set; } = "localhost";

    /// <summary>How often the pending-work gauges are refreshed from the cluster.</summary>
    public TimeSpan LoadPollInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>Who may call: API keys with roles; anonymous callers only from loopback and only when enabled.</summary>
public sealed class AuthOptions
{
    /// <summary>Lets unauthenticated calls from 127.0.0.1/::1 through with every role (the embedded default); never from elsewhere.</summary>
    public bool AllowAnonymousOnLoopback { get; set; }

    public List<ApiKeyOptions> ApiKeys { get; set; } = [];
}

/// <summary>One API key (sent as <c>x-api-key: KEY</c> or <c>authorization: ApiKey KEY</c>).</summary>
public sealed class ApiKeyOptions
{
    public string Key { get; set; } = "";

    /// <summary>The caller's name: limits and batch ownership are per caller.</summary>
    public string Caller { get; set; } = "";

    /// <summary><c>reader</c> (catalog, queries), <c>planner</c> (scenarios, batches, experiments), <c>admin</c> (data, cluster).</summary>
    public List<string> Roles { get; set; } = [];
}

/// <summary>Per-caller limits; exceeding one answers RESOURCE_EXHAUSTED.</summary>
public sealed class LimitOptions
{
    public long MaxBatchItems { get; set; } = 200_000;

    public int MaxConcurrentBatchesPerCaller { get; set; } = 4;

    public int RequestsPerSecondPerCaller { get; set; } = 500;

    /// <summary>Largest experiment answered in one call (scenario runs); larger ones go through a batch.</summary>
    public long MaxExperimentRuns { get; set; } = 20_000;

    /// <summary>Largest request message (batch submissions), bytes.</summary>
    public int MaxReceiveMessageBytes { get; set; } = 64 * 1024 * 1024;
}

/// <summary>Refuses a gateway configuration that cannot work, at start rather than on the first call that needs it.</summary>
public sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var failures = new List<string>();
        var limits = options.Limits;
        Positive(limits.MaxBatchItems, nameof(limits.MaxBatchItems));
        Positive(limits.MaxConcurrentBatchesPerCaller, nameof(limits.MaxConcurrentBatchesPerCaller));
        Positive(limits.RequestsPerSecondPerCaller, nameof(limits.RequestsPerSecondPerCaller));
        Positive(limits.MaxExperimentRuns, nameof(limits.MaxExperimentRuns));
        if (limits.MaxReceiveMessageBytes is < 1024)
        {
            failures.Add($"{GatewayOptions.Section}:Limits:{nameof(limits.MaxReceiveMessageBytes)} is {limits.MaxReceiveMessageBytes}; at least 1024");
        }
        if (options.MetricsPort is < 0 or > 65535)
        {
            failures.Add($"{GatewayOptions.Section}:{nameof(options.MetricsPort)} is {options.MetricsPort}; 0 (off) or a port number");
        }
        if (options.LoadPollInterval <= TimeSpan.Zero)
        {
            failures.Add($"{GatewayOptions.Section}:{nameof(options.LoadPollInterval)} must be positive");
        }
        foreach (var (key, i) in options.Auth.ApiKeys.Select((k, i) => (k, i)))
        {
            if (string.IsNullOrWhiteSpace(key.Key) || string.IsNullOrWhiteSpace(key.Caller))
            {
                failures.Add($"{GatewayOptions.Section}:Auth:ApiKeys:{i} needs a Key and a Caller");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Positive(long value, string field)
        {
            if (value <= 0)
            {
                failures.Add($"{GatewayOptions.Section}:Limits:{field} is {value}; it must be positive");
            }
        }
    }
}
