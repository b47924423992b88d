using System.Diagnostics.CodeAnalysis;

namespace Cairn.StorageNode.Shards;

/// <summary>
/// The shards of one disk: implemented by the log-structured <see cref="Engine.ShardEngine"/>, wrapped by the
/// health decorator (<see cref="Disks.InstrumentedShardStore"/>) that the gRPC adapter talks to.
/// </summary>
public interface IShardStore
{
    /// <summary>
    /// Stores a shard from blocks in order. The enumeration completing normally is the commit; an exception
    /// from it (client abort, length mismatch) discards the partial shard. Returns only once durable.
    /// </summary>
    Task<StoredShard> WriteAsync(string shardId, int blockSize, IAsyncEnumerable<IncomingBlock> blocks, CancellationToken ct);

    /// <summary>Opens a shard for reading; throws <see cref="ShardMissingException"/> when absent.</summary>
    Task<IShardReadStream> OpenReadAsync(string shardId, CancellationToken ct);

    /// <summary>
    /// The small-read fast path, synchronous: a one-block shard read whole and verified, into a pooled buffer the
    /// caller disposes. False when the store has no such path for this shard (large or several blocks, an old
    /// format, a check that failed, an injected fault): then <see cref="OpenReadAsync"/>, which also names what is
    /// wrong. Throws as that does (<see cref="ShardMissingException"/>, I/O errors).
    /// </summary>
    bool TryReadWhole(string shardId, [NotNullWhen(true)] out WholeShard? shard);

    /// <summary>Removes a shard durably; false when it did not exist.</summary>
    Task<bool> DeleteAsync(string shardId, CancellationToken ct);

    /// <summary>The shard's metadata, or null when absent.</summary>
    Task<StoredShard?> StatAsync(string shardId, CancellationToken ct);

    /// <summary>Shards in ordinal id order strictly after <paramref name="startAfter"/>.</summary>
    ShardPage List(string? startAfter, int limit);

    /// <summary>Reads and verifies every block of every shard.</summary>
    Task<ScrubReport> ScrubAsync(CancellationToken ct);

    StoreUsage GetUsage();
}

/// <summary>One block as received: its bytes are only valid until the next block is requested.</summary>
public readonly record struct IncomingBlock(long Offset, ReadOnlyMemory<byte> Data, uint Crc32C);

/// <summary>One block as stored: <see cref="Data"/> is a pooled buffer, valid until the next block is read.</summary>
public readonly record struct StoredBlock(long Offset, ReadOnlyMemory<byte> Data, uint Crc32C);

public sealed record StoredShard(string ShardId, long Length, int BlockSize, int Blocks, long CreatedUnixMs);

public sealed record ShardPage(IReadOnlyList<StoredShard> Shards, bool IsTruncated);

public sealed record ScrubReport(long ShardsChecked, long BlocksChecked, IReadOnlyList<string> CorruptShardIds);

public sealed record StoreUsage(long CapacityBytes, long UsedBytes, long ShardCount, bool Full);

/// <summary>An open shard. Blocks are verified against their CRC32C before they are yielded.</summary>
public interface IShardReadStream : IAsyncDisposable
{
    StoredShard Info { get; }

    /// <summary>Whole blocks covering [offset, offset+length) (length 0 = to the end).</summary>
    IAsyncEnumerable<StoredBlock> ReadBlocksAsync(long offset, long length, CancellationToken ct);
}
