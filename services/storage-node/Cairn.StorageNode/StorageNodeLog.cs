using Microsoft.Extensions.Logging;

namespace Cairn.StorageNode;

/// <summary>Every log line of the storage node, with stable event ids (2000-2099).</summary>
internal static partial class StorageNodeLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Removed {Count} temp files left by a crash in {Root}")]
    public static partial void TempFilesRemoved(ILogger logger, int count, string root);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Shard file {File} is unreadable: {Reason}")]
    public static partial void UnreadableFile(ILogger logger, string file, string reason);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Scrub found shard {ShardId} on {Root} corrupt: {Reason}")]
    public static partial void CorruptShard(ILogger logger, string shardId, string root, string reason);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Reclamation on {Root} failed: {Reason}")]
    public static partial void ReclamationFailed(ILogger logger, string root, string reason);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Evacuation of extent {ExtentId} on {Root} stopped; the extent is kept: {Reason}")]
    public static partial void EvacuationStopped(ILogger logger, uint extentId, string root, string reason);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Information, Message = "Imported {Count} shard files of the old one-file-per-shard layout into the engine on {Root}")]
    public static partial void LegacyShardsImported(ILogger logger, int count, string root);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Error, Message = "Disk {DiskId} at {Path} cannot be opened and is marked failed: {Reason}")]
    public static partial void DiskFailedToOpen(ILogger logger, string diskId, string path, string reason);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Information, Message = "Unacknowledged write of shard {ShardId} on {Root} did not reach the disk before a crash; dropped")]
    public static partial void UnfinishedWriteDropped(ILogger logger, string shardId, string root);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "Registered node {NodeId} ({DiskCount} disks) with placement as {Endpoint}")]
    public static partial void Registered(ILogger logger, string nodeId, int diskCount, string endpoint);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Warning, Message = "Placement does not know node {NodeId}; registering again")]
    public static partial void UnknownToPlacement(ILogger logger, string nodeId);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Warning, Message = "Placement unreachable ({Reason}); retrying in {DelayMs} ms")]
    public static partial void PlacementUnreachable(ILogger logger, string reason, double delayMs);

    [LoggerMessage(EventId = 2020, Level = LogLevel.Debug, Message = "Heat report failed: {Reason}")]
    public static partial void HeatReportFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 2030, Level = LogLevel.Warning, Message = "Fault injected on disk {DiskId}: {LatencyMs} ms latency, error rate {ErrorRate}")]
    public static partial void FaultInjected(ILogger logger, string diskId, uint latencyMs, double errorRate);
}
