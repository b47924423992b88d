namespace Cairn.StorageNode.Shards.Engine;

/// <summary>Where one chunk frame of a shard lives.</summary>
public readonly record struct ChunkLocation(uint ExtentId, long Offset);

/// <summary>
/// A shard as the index knows it. <see cref="Version"/> is unique per write of the shard (a store-wide
/// counter) and is stamped into every chunk frame, so a read can tell its chunks from a stale copy.
/// <see cref="Crcs"/> holds each chunk's data CRC32C (index format v2; null for shards written by v1), so a
/// read of page-aligned data can check it without reading the frame header.
/// </summary>
public sealed record ShardEntry(StoredShard Shard, byte[] IdBytes, ulong Version, ChunkLocation[] Chunks, uint[]? Crcs = null)
{
    public int ChunkDataLength(int index) =>
        index < Chunks.Length - 1 ? Shard.BlockSize : (int)(Shard.Length - ((long)(Chunks.Length - 1) * Shard.BlockSize));

    public long FrameBytes(int index) => HeaderBytes + ChunkDataLength(index);

    public int HeaderBytes => ChunkFormat.FrameHeaderBytes(IdBytes.Length);
}

/// <summary>
/// One change to the index, as logged. Replay applies the same records in the same order with the same
/// rules (<see cref="ShardTable.Apply"/>) as the live store did, so the rebuilt index is the one acknowledged.
/// </summary>
public abstract record IndexRecord;

/// <summary>A whole shard written (or overwritten): the last Put of an id wins.</summary>
public sealed record PutRecord(ShardEntry Entry) : IndexRecord;

public sealed record DeleteRecord(string ShardId) : IndexRecord;

/// <summary>
/// Reclamation moved some chunks of a shard. Applies only if the shard still has <see cref="Version"/>:
/// a relocation that raced with an overwrite or delete is a no-op, live or on replay.
/// </summary>
public sealed record RelocateRecord(string ShardId, ulong Version, ChunkLocation[] Chunks) : IndexRecord;

/// <summary>
/// Marks everything before it as verified: the open that recovered from a crash checked the last batch's
/// chunks and sealed it, and a checkpoint ends with one. Only a batch after the last seal is ever checked.
/// </summary>
public sealed record SealRecord : IndexRecord
{
    public static readonly SealRecord Instance = new();
}

/// <summary>
/// Where the index log stands against the extents: every commit batch up to <see cref="Seq"/> is in the log,
/// and a commit frame of a later batch can only sit at or after (<see cref="ExtentId"/>, <see cref="Offset"/>).
/// Open scans the extents from there for batches that were made durable by their extent's fsync alone.
/// </summary>
public sealed record MarkRecord(ulong Seq, uint ExtentId, long Offset) : IndexRecord
{
    public static readonly MarkRecord Start = new(0, 0, 0);
}
