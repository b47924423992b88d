namespace Cairn.Namespace.Telemetry;

/// <summary>The namespace's log events, with stable ids.</summary>
internal static partial class NamespaceLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning,
        Message = "Could not queue {Count} garbage layouts of {Bucket}/{Key} ({Reason}); reconciliation will find the orphan shards")]
    public static partial void GarbagePublishFailed(ILogger logger, Exception exception, string bucket, string key, string reason, int count);
}
