namespace NevGrains.Cli.Files;

/// <summary>An input file that cannot be used: which file, where in it (line, or field path) and why.</summary>
public sealed class InputFileException(string file, string location, string reason)
    : Exception($"{file}: {location}: {reason}")
{
    public string File { get; } = file;

    public string Location { get; } = location;

    public string Reason { get; } = reason;
}
