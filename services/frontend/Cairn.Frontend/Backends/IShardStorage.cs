namespace Cairn.Frontend.Backends;

/// <summary>Storage nodes as the data path needs them: one streamed shard write, one verified ranged read.</summary>
public interface IShardStorage
{
    /// <summary>Opens a shard write on <paramref name="endpoint"/>; disposing without commit aborts it.</summary>
    Task<IShardWrite> OpenWriteAsync(string endpoint, string diskId, string shardId, int blockSize, CancellationToken ct);

    /// <summary>
    /// Verified bytes of [offset, offset + length). Throws ShardCorruptException, ShardNotFoundException or
    /// RpcException; never yields bytes that failed their checksum.
    /// </summary>
    IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAsync(string endpoint, string diskId, string shardId, long offset, long length, CancellationToken ct);
}

public interface IShardWrite : IAsyncDisposable
{
    /// <summary>The caller may reuse <paramref name="block"/> once the returned task completes.</summary>
    Task WriteBlockAsync(ReadOnlyMemory<byte> block, CancellationToken ct);

    /// <summary>Returns only once the shard is durable on its disk.</summary>
    Task CommitAsync(CancellationToken ct);
}
