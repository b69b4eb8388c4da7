namespace NevGrains.Contracts;

/// <summary>
/// Storage did not answer a read or write within the silo's bound (<c>NevGrains:StorageTimeout</c>): the caller hears so at once
/// (UNAVAILABLE) instead of at its own deadline. A write that timed out may still land; the grains treat it as ambiguous. An
/// <see cref="OrleansException"/>, so the storage bridge passes it on unwrapped.
/// </summary>
[GenerateSerializer, Alias("nev.StorageTimeoutException")]
public sealed class StorageTimeoutException : OrleansException
{
    public StorageTimeoutException(string message) : base(message)
    {
    }
}
