using Cairn.BackgroundOps.Gateways;
using Cairn.Common.V1;

namespace Cairn.BackgroundOps.Repair;

// What repair needs from the other teams, as small interfaces so the rebuild logic is tested without gRPC.

/// <summary>A shard the namespace says lives on a disk, with the whole layout it belongs to.</summary>
public sealed record ShardToRepair(string ShardId, string DiskId, int Index, ShardLayout Layout);

public sealed record ShardToRepairPage(IReadOnlyList<ShardToRepair> Shards, bool IsTruncated);

public interface IRepairNamespace
{
    /// <summary>The namespace's disk → shard index, page by page in shard id order.</summary>
    Task<ShardToRepairPage> ListShardsOnDiskAsync(string diskId, string startAfter, int limit, CancellationToken ct);

    /// <summary>
    /// Points the layout at the rebuilt shard, atomically, if the old shard is still referenced; false when the
    /// object was overwritten or deleted meanwhile (the rebuilt shard is then garbage).
    /// </summary>
    Task<bool> ReplaceShardLocationAsync(string oldShardId, ShardLocation replacement, CancellationToken ct);
}

public interface IReplacementPlacement
{
    /// <summary>One disk for a rebuilt shard, never one of <paramref name="excludeDiskIds"/> (the layout's other disks).</summary>
    Task<DiskTarget> ChooseAsync(IReadOnlyCollection<string> excludeDiskIds, ulong shardBytes, CancellationToken ct);
}

/// <summary>Reading verified shard bytes and writing new shards on storage nodes.</summary>
public interface IShardStreams
{
    /// <summary>
    /// Reads exactly [offset, offset + length) of a shard into <paramref name="destination"/>, verified by the
    /// storage node's per-block checksums; throws on a missing, corrupt or unreachable shard.
    /// </summary>
    Task ReadExactlyAsync(DiskTarget disk, string shardId, long offset, Memory<byte> destination, CancellationToken ct);

    Task<IShardSink> CreateAsync(DiskTarget disk, string shardId, int blockSize, CancellationToken ct);
}

/// <summary>A shard being written: blocks in order, then a commit that returns once it is durable.</summary>
public interface IShardSink : IAsyncDisposable
{
    Task WriteBlockAsync(ReadOnlyMemory<byte> block, CancellationToken ct);

    /// <summary>Durable on return. Disposing without committing abandons the shard.</summary>
    Task CommitAsync(CancellationToken ct);
}
