namespace NevGrains.Grains;

/// <summary>What a grain does after a failed write, once it has put its in-memory state back.</summary>
internal static class StorageReload
{
    /// <summary>
    /// Reads the state again, so the grain serves what storage holds and its next write carries storage's ETag (a write that timed
    /// out may have landed). Best effort: while storage is down the read fails too, and the next write fails the same way.
    /// </summary>
    public static async Task TryReload<T>(IPersistentState<T> state)
    {
        try
        {
            await state.ReadStateAsync();
        }
        catch (Exception)
        {
            // Storage still unavailable: the caller reports the write's own failure.
        }
    }
}
