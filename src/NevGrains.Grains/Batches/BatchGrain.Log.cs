using NevGrains.Contracts.Batches;

namespace NevGrains.Grains.Batches;

public sealed partial class BatchGrain
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Batch {Batch} ({Kind}, {Total} items in {Chunks} chunks) started on dataset {Version}")]
    private partial void LogStarted(string batch, BatchKind kind, long total, int chunks, string version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch {Batch} cancelled at {Completed}/{Total}")]
    private partial void LogCancelled(string batch, long completed, long total);

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch {Batch} completed: {Total} items")]
    private partial void LogCompleted(string batch, long total);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Batch {Batch}: progress not persisted yet")]
    private partial void LogProgressNotPersisted(Exception exception, string batch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Batch {Batch}: chunk {Chunk} failed; retrying")]
    private partial void LogChunkFailed(Exception exception, string batch, int chunk);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Batch {Batch}: completion not persisted yet; retrying")]
    private partial void LogFinishNotPersisted(Exception exception, string batch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Batch {Batch}: its caller's slot could not be given back yet; retrying")]
    private partial void LogSlotNotReleased(Exception exception, string batch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Batch {Batch}: its resume reminder could not be removed; it removes itself when it fires")]
    private partial void LogReminderNotRemoved(Exception exception, string batch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Batch {Batch}: the write of its record failed but storage holds it; starting it")]
    private partial void LogSubmitWriteLanded(Exception exception, string batch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Batch {Batch}: its resume reminder could not be registered yet; retrying")]
    private partial void LogReminderNotRegistered(Exception exception, string batch);
}
