namespace NevGrains.Model.Data;

/// <summary>One problem in the dataset, named by file, entity and field so a data owner can find it.</summary>
public sealed record DataIssue(string File, string Entity, string Field, string Message)
{
    public override string ToString() => $"{File}: {Entity}: {Field}: {Message}";
}

/// <summary>Thrown when a dataset cannot be read or does not validate; carries every issue found.</summary>
public sealed class DatasetException(IReadOnlyList<DataIssue> issues)
    : Exception(Describe(issues))
{
    public IReadOnlyList<DataIssue> Issues { get; } = issues;

    private static string Describe(IReadOnlyList<DataIssue> issues) =>
        issues.Count == 1
            ? $"The dataset is invalid: {issues[0]}"
            : $"The dataset is invalid ({issues.Count} issues); first: {issues[0]}";
}
