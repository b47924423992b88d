namespace Cairn.Frontend.Telemetry;

/// <summary>The frontend's source-generated logs, with stable event ids.</summary>
public static partial class FrontendLog
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Heat map watch failed ({Reason}); reads are steered as if every disk were cool until it recovers")]
    public static partial void HeatWatchFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Shard {ShardId} (index {Index}) on disk {DiskId} failed a read ({Reason}); the stripe is decoded from other shards")]
    public static partial void ShardReadFailed(ILogger logger, string shardId, int index, string diskId, string reason);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Debug, Message = "A probe of slow disk {DiskId} failed ({Reason})")]
    public static partial void SlowDiskProbeFailed(ILogger logger, string diskId, string reason);
}
