namespace Cairn.BackgroundOps;

public sealed class BackgroundOpsOptions
{
    /// <summary>Reconciliation period (Cairn:GcIntervalSeconds).</summary>
    public TimeSpan GcInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A shard younger than this is never collected by reconciliation (Cairn:GcGraceSeconds): an in-flight PUT's
    /// shards are durable before the namespace commit references them. An unreferenced shard must also have been
    /// seen unreferenced this long ago, because a shard's creation time is when its write started, not ended.
    /// </summary>
    public TimeSpan GcGrace { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>Scrub period (Cairn:ScrubIntervalSeconds).</summary>
    public TimeSpan ScrubInterval { get; init; } = TimeSpan.FromSeconds(3600);

    /// <summary>How often failed deletes are retried (Cairn:GcRetryIntervalSeconds).</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>After this many failures a delete is dropped; reconciliation will find the shard (Cairn:GcMaxAttempts).</summary>
    public int MaxDeleteAttempts { get; init; } = 20;

    /// <summary>Shards per ListShards page during reconciliation.</summary>
    public int ListPageSize { get; init; } = 1000;

    /// <summary>How often repair looks for failed, draining and long-offline disks (Cairn:RepairIntervalSeconds).</summary>
    public TimeSpan RepairInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// An OFFLINE disk is repaired only after this long (Cairn:RepairOfflineAfterSeconds): a node restarting is
    /// not a failure, and rebuilding a whole disk costs the fleet a lot of reads.
    /// </summary>
    public TimeSpan RepairOfflineAfter { get; init; } = TimeSpan.FromMinutes(15);
}
