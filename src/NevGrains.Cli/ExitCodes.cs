namespace NevGrains.Cli;

/// <summary>Exit codes scripts can rely on (documented in the README).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>A command or option was wrong (System.CommandLine's own parse errors also exit 1).</summary>
    public const int Usage = 1;
    /// <summary>An input file (dataset, scenario, batch) is invalid; the errors name file, entity and field.</summary>
    public const int InvalidInput = 2;
}
