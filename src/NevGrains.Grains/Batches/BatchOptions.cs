using Microsoft.Extensions.Options;

namespace NevGrains.Grains.Batches;

/// <summary>How batches spread work (section "Batches" of appsettings: <c>NevGrains:Batches</c>).</summary>
public sealed class BatchOptions
{
    public const string Section = "NevGrains:Batches";

    /// <summary>Chunks in flight per core of every active silo: enough to keep every core busy while results are written.</summary>
    public int ChunksInFlightPerCore { get; set; } = 2;

    /// <summary>Upper bound on chunks in flight for one batch, whatever the cluster size.</summary>
    public int MaxChunksInFlight { get; set; } = 512;

    /// <summary>How often a running batch persists its progress (a finished batch persists at once).</summary>
    public TimeSpan ProgressFlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait before retrying a chunk whose silo failed.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often each silo wakes running batches whose silo went away (zero: only the one-minute reminder does).</summary>
    public TimeSpan KeeperInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>Refuses batch settings that would stall or flood a batch, when the silo starts.</summary>
public sealed class BatchOptionsValidator : IValidateOptions<BatchOptions>
{
    public ValidateOptionsResult Validate(string? name, BatchOptions options)
    {
        var failures = new List<string>();
        if (options.ChunksInFlightPerCore < 1)
        {
            failures.Add($"{BatchOptions.Section}:{nameof(options.ChunksInFlightPerCore)} is {options.ChunksInFlightPerCore}; at least 1");
        }
        if (options.MaxChunksInFlight < 1)
        {
            failures.Add($"{BatchOptions.Section}:{nameof(options.MaxChunksInFlight)} is {options.MaxChunksInFlight}; at least 1");
        }
        if (options.ProgressFlushInterval <= TimeSpan.Zero)
        {
            failures.Add($"{BatchOptions.Section}:{nameof(options.ProgressFlushInterval)} must be positive");
        }
        if (options.MaxRetryDelay <= TimeSpan.Zero)
        {
            failures.Add($"{BatchOptions.Section}:{nameof(options.MaxRetryDelay)} must be positive");
        }
        if (options.KeeperInterval < TimeSpan.Zero)
        {
            failures.Add($"{BatchOptions.Section}:{nameof(options.KeeperInterval)} must not be negative (zero turns it off)");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
