using System.Buffers;

namespace Cairn.StorageNode.Shards;

/// <summary>
/// A small shard read whole and already verified: its one block in a pooled buffer, given back on
/// <see cref="Dispose"/>. What the small-read fast path (<see cref="IShardStore.TryReadWhole"/>) hands out
/// instead of a stream: no task, no enumerator, no second buffer.
/// </summary>
public sealed class WholeShard(StoredShard info, byte[] pooled, int dataAt, uint crc32C) : IDisposable
{
    private byte[]? _buffer = pooled;

    public StoredShard Info { get; } = info;

    /// <summary>The shard's one block (all of its bytes), valid until disposed.</summary>
    public StoredBlock Block => new(0, (_buffer ?? throw new ObjectDisposedException(nameof(WholeShard))).AsMemory(dataAt, (int)Info.Length), crc32C);

    /// <summary>Whether the range [offset, offset + length) (length 0: to the end) holds any byte, i.e. whether the block is to be sent.</summary>
    public bool Covers(long offset, long length) => (length == 0 ? Info.Length : offset + length) > offset;

    /// <summary>The same shard as a stream, for callers of <see cref="IShardStore.OpenReadAsync"/>; disposing it disposes this.</summary>
    public IShardReadStream AsStream() => new Stream(this);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } returned)
        {
            ArrayPool<byte>.Shared.Return(returned);
        }
    }

    private sealed class Stream(WholeShard shard) : IShardReadStream
    {
        public StoredShard Info => shard.Info;

        public IAsyncEnumerable<StoredBlock> ReadBlocksAsync(long offset, long length, CancellationToken ct)
        {
            long end = length == 0 ? Info.Length : offset + length;
            if (offset < 0 || length < 0 || offset > Info.Length || end > Info.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(offset), $"range [{offset}, {end}) is outside the shard's {Info.Length} bytes");
            }

            return new OneBlock(shard.Covers(offset, length) ? shard.Block : null, ct);
        }

        public ValueTask DisposeAsync()
        {
            shard.Dispose();
            return ValueTask.CompletedTask;
        }
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
