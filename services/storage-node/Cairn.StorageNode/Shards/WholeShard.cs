using System.Buffers;

namespace Cairn.StorageNode.Shards;

/// <summary>
/// A small shard read whole and already verified: its one block in a pooled buffer, given back on
/// <see cref="Dispose"/>. What the small-read fast path (<see cref="IShardStore.TryReadWhole"/>) hands out:
/// no task, no enumerator, no second buffer. It is also a stream over that block, for callers of
/// <see cref="IShardStore.OpenReadAsync"/>.
/// </summary>
public sealed class WholeShard(StoredShard info, byte[] pooled, int dataAt, int length, uint crc32C) : IShardReadStream, IDisposable
{
    private byte[]? _buffer = pooled;

    public StoredShard Info { get; } = info;

    /// <summary>The shard's length: the length of its one block.</summary>
    public int Length => length;

    /// <summary>The shard's one block (all of its bytes), valid until disposed.</summary>
    public StoredBlock Block => new(0, (_buffer ?? throw new ObjectDisposedException(nameof(WholeShard))).AsMemory(dataAt, length), crc32C);

    /// <summary>Whether the range [offset, offset + length) (length 0: to the end) holds any byte, i.e. whether the block is to be sent.</summary>
    public bool Covers(long offset, long count) => (count == 0 ? length : offset + count) > offset;

    public IAsyncEnumerable<StoredBlock> ReadBlocksAsync(long offset, long count, CancellationToken ct)
    {
        long end = count == 0 ? length : offset + count;
        if (offset < 0 || count < 0 || offset > length || end > length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"range [{offset}, {end}) is outside the shard's {length} bytes");
        }

        return new OneBlock(Covers(offset, count) ? Block : null, ct);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } returned)
        {
            ArrayPool<byte>.Shared.Return(returned);
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Yields one block (or none), synchronously.</summary>
    private sealed class OneBlock(StoredBlock? block, CancellationToken ct) : IAsyncEnumerable<StoredBlock>, IAsyncEnumerator<StoredBlock>
    {
        private bool _done = block is null;

        public StoredBlock Current { get; private set; }

        public IAsyncEnumerator<StoredBlock> GetAsyncEnumerator(CancellationToken cancellationToken = default) => this;

        public ValueTask<bool> MoveNextAsync()
        {
            if (_done)
            {
                return ValueTask.FromResult(false);
            }

            ct.ThrowIfCancellationRequested();
            _done = true;
            Current = block!.Value;
            return ValueTask.FromResult(true);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
