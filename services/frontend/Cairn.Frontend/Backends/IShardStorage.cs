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

    /// <summary>
    /// The same verified bytes as <see cref="ReadAsync"/>, consumed in order into the caller's buffers (a transport
    /// that can read blocks straight into them saves a copy). Nothing is asked of the node before the first read.
    /// </summary>
    IShardReadCursor OpenCursor(string endpoint, string diskId, string shardId, long offset, long length, CancellationToken ct) =>
        new EnumeratedShardReadCursor(ReadAsync(endpoint, diskId, shardId, offset, length, ct).GetAsyncEnumerator(ct));
}

/// <summary>A sequential verified shard read that fills buffers; after a failure it is broken and must be disposed.</summary>
public interface IShardReadCursor : IAsyncDisposable
{
    /// <summary>Fills <paramref name="into"/> with the next verified bytes; a shard that ends first is ShardCorruptException.</summary>
    ValueTask ReadExactlyAsync(Memory<byte> into, CancellationToken ct);
}

/// <summary>A cursor over <see cref="IShardStorage.ReadAsync"/>: each chunk is copied into the caller's buffer.</summary>
public sealed class EnumeratedShardReadCursor(IAsyncEnumerator<ReadOnlyMemory<byte>> chunks) : IShardReadCursor
{
    private ReadOnlyMemory<byte> _pending;

    public async ValueTask ReadExactlyAsync(Memory<byte> into, CancellationToken ct)
    {
        var filled = 0;
        while (filled < into.Length)
        {
            if (_pending.IsEmpty)
            {
                ct.ThrowIfCancellationRequested();
                if (!await chunks.MoveNextAsync())
                {
                    throw new Cairn.StorageNode.Client.ShardCorruptException("shard ended before the stripe it must hold");
                }
                _pending = chunks.Current;
                continue;
            }
            var n = Math.Min(_pending.Length, into.Length - filled);
            _pending[..n].CopyTo(into[filled..]);
            _pending = _pending[n..];
            filled += n;
        }
    }

    public ValueTask DisposeAsync() => chunks.DisposeAsync();
}

public interface IShardWrite : IAsyncDisposable
{
    /// <summary>The caller may reuse <paramref name="block"/> once the returned task completes.</summary>
    Task WriteBlockAsync(ReadOnlyMemory<byte> block, CancellationToken ct);

    /// <summary>Returns only once the shard is durable on its disk.</summary>
    Task CommitAsync(CancellationToken ct);
}
