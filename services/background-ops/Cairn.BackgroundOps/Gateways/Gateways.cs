namespace Cairn.BackgroundOps.Gateways;

// The three things background-ops talks to, as small interfaces of its own, so that GC, scrub and their tests
// depend on what they need and not on gRPC: placement (where disks are), storage nodes (what is on them),
// namespace (what is still referenced).

/// <summary>
/// A disk and the storage node endpoint that serves it. Unreachable = OFFLINE or FAILED in placement;
/// <paramref name="Failed"/> and <paramref name="Draining"/> tell repair to move its shards away.
/// </summary>
public sealed record DiskTarget(string DiskId, string NodeId, string Endpoint, bool Reachable = true, bool Failed = false, bool Draining = false);

/// <summary>Where disks are: placement's disk map.</summary>
public interface IDiskDirectory
{
    /// <summary>Every disk, fresh from placement.</summary>
    Task<IReadOnlyList<DiskTarget>> ListAsync(CancellationToken ct);

    /// <summary>One disk, from a cache refreshed on a miss; null when placement does not know it either.</summary>
    Task<DiskTarget?> FindAsync(string diskId, CancellationToken ct);
}

public sealed record ShardEntry(string ShardId, long CreatedUnixMs);

public sealed record ShardListing(IReadOnlyList<ShardEntry> Shards, bool IsTruncated);

/// <summary>What shards a disk holds, page by page in shard id order.</summary>
public interface IShardInventory
{
    Task<ShardListing> ListAsync(DiskTarget disk, string startAfter, int limit, CancellationToken ct);
}

public interface IShardDeleter
{
    /// <summary>Deletes one shard; deleting an absent shard succeeds (returns false), so retries are safe.</summary>
    Task<bool> DeleteAsync(DiskTarget disk, string shardId, CancellationToken ct);
}

public sealed record ScrubOutcome(ulong ShardsChecked, ulong BlocksChecked, IReadOnlyList<string> CorruptShardIds);

public interface IDiskScrubber
{
    Task<ScrubOutcome> ScrubAsync(DiskTarget disk, CancellationToken ct);
}

public sealed record ReferencedPage(IReadOnlyList<string> ShardIds, bool IsTruncated);

/// <summary>The namespace's word on whether any object version or upload still points at a shard.</summary>
public interface IReferenceChecker
{
    /// <summary>The authoritative check, one shard at a time; the last word before any delete.</summary>
    Task<bool> IsReferencedAsync(string shardId, CancellationToken ct);

    /// <summary>
    /// The namespace's shard index for one disk, page by page in shard id order: lets reconciliation clear the
    /// bulk of live shards a page at a time instead of one call per shard.
    /// </summary>
    Task<ReferencedPage> ListReferencedOnDiskAsync(string diskId, string startAfter, int limit, CancellationToken ct);
}
