namespace NevGrains.Cli;

/// <summary>Exit codes scripts can rely on (documented in the README and docs/cli.md).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>A command or option was wrong (System.CommandLine's own parse errors also exit 1).</summary>
    public const int Usage = 1;
    /// <summary>An input (dataset, scenario or batch file, or a request built from options) is invalid; the errors name file, line or field.</summary>
    public const int InvalidInput = 2;
    /// <summary>The service could not be reached, or it is unavailable (no silo, storage down), or the deadline passed: retry later.</summary>
    public const int Unavailable = 3;
    /// <summary>The service refused the request: unknown id, missing permission or key, a limit, a version conflict.</summary>
    public const int Refused = 4;
    /// <summary>A batch finished, but some of its items failed (their errors are in the output).</summary>
    public const int PartialFailure = 5;
    /// <summary>A batch completed, but its results file does not hold every result exactly once (run the command again to resume).</summary>
    public const int IncompleteResults = 6;
    /// <summary>Interrupted (Ctrl-C); a batch resumes when the same command is run again.</summary>
    public const int Interrupted = 130;
}
