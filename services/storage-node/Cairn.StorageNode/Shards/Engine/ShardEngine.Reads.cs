using System.Buffers;

namespace Cairn.StorageNode.Shards.Engine;

// Reads: an index lookup, then one pread per chunk, verified before it is handed out. A small one-chunk
// shard is read whole at open without pins (ShardEngine.WholeReads.cs); others pin their extents while open.
public sealed partial class ShardEngine
{
    public Task<IShardReadStream> OpenReadAsync(string shardId, CancellationToken ct)
    {
        ThrowIfPoisoned();
        var entry = _table.Get(shardId, out var whole) ?? throw Missing(shardId);
        return Task.FromResult((IShardReadStream?)ReadWhole(entry, whole) ?? OpenRead(shardId, entry));
    }

    private EngineReadStream OpenRead(string shardId, ShardEntry? entry = null)
    {
        // A retired extent means reclamation moved the chunks after we looked: look again.
        for (int attempt = 0; attempt < 3; attempt++)
        {
            entry = (attempt == 0 ? entry : null) ?? _table.Get(shardId) ?? throw Missing(shardId);
            if (_extents.TryPin(entry) is { } pinned)
            {
                return new EngineReadStream(this, entry, pinned);
            }
        }

        throw new ShardDamagedException(shardId, "an extent holding its chunks is missing");
    }

    /// <summary>Only ids that were valid are ever stored, so validation waits until a lookup misses (the read path stays lean).</summary>
    private static ShardMissingException Missing(string shardId)
    {
        ShardIds.Validate(shardId);
        return new ShardMissingException(shardId);
    }

    /// <summary>Reads chunk <paramref name="index"/> of <paramref name="entry"/> into <paramref name="frame"/> and verifies it.</summary>
    private uint ReadChunk(ShardEntry entry, Extent extent, int index, Span<byte> frame)
    {
        long at = entry.Chunks[index].Offset;
        int total = 0;
        while (total < frame.Length)
        {
            int n = ReadAt(extent, frame[total..], at + total);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        long shardOffset = (long)index * entry.Shard.BlockSize;
        uint crc = ChunkFormat.Verify(frame[..total], entry.IdBytes, entry.Version, shardOffset, entry.ChunkDataLength(index), out string reason)
            ?? throw new ShardDamagedException(entry.Shard.ShardId, $"block {index}: {reason}");
        return entry.Crcs is null || entry.Crcs[index] == crc
            ? crc
            : throw new ShardDamagedException(entry.Shard.ShardId, $"block {index}: chunk CRC32C differs from the index's");
    }

    private int ReadAt(Extent extent, Span<byte> destination, long offset)
    {
        try
        {
            return extent.File.Read(destination, offset);
        }
        catch (IOException ex)
        {
            throw Translate(ex);
        }
        catch (ObjectDisposedException ex)
        {
            throw new DiskIoException($"I/O error on '{Root}': {ex.Message}", ex);
        }
    }

    /// <summary>
    /// An open shard: the entry it was opened with (a later overwrite does not change what it streams) and
    /// pins on its extents until disposed. Reads are synchronous preads: on Linux a file read has no truly
    /// asynchronous path, and the thread-pool hop of ReadAsync costs more than a page-cache hit.
    /// </summary>
    private sealed class EngineReadStream(ShardEngine engine, ShardEntry entry, Extent[] pinned) : IShardReadStream
    {
        private int _disposed;

        public StoredShard Info => entry.Shard;

        public IAsyncEnumerable<StoredBlock> ReadBlocksAsync(long offset, long length, CancellationToken ct)
        {
            long end = CheckRange(Info.Length, offset, length);
            int first = end == offset ? 0 : (int)(offset / Info.BlockSize);
            int last = end == offset ? -1 : (int)((end - 1) / Info.BlockSize);
            return new ChunkEnumerator(this, first, last, ct);
        }

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                engine._extents.Unpin(pinned);
            }

            return ValueTask.CompletedTask;
        }

        private Extent ExtentOf(uint id) => Array.Find(pinned, e => e.Id == id)!;

        /// <summary>Chunks first..last, each verified, from one pooled buffer reused chunk after chunk.</summary>
        private sealed class ChunkEnumerator(EngineReadStream stream, int first, int last, CancellationToken ct)
            : IAsyncEnumerable<StoredBlock>, IAsyncEnumerator<StoredBlock>
        {
            private int _next = first;
            private byte[]? _buffer;

            public StoredBlock Current { get; private set; }

            public IAsyncEnumerator<StoredBlock> GetAsyncEnumerator(CancellationToken cancellationToken = default) => this;

            public ValueTask<bool> MoveNextAsync()
            {
                if (_next > last)
                {
                    return ValueTask.FromResult(false);
                }

                ct.ThrowIfCancellationRequested();
                var entry = stream.Entry;
                int i = _next++;
                int frameBytes = (int)entry.FrameBytes(i);
                if (_buffer is null || _buffer.Length < frameBytes)
                {
                    Return();
                    _buffer = ArrayPool<byte>.Shared.Rent((int)entry.FrameBytes(0));
                }

                var frame = _buffer.AsSpan(0, frameBytes);
                uint crc = stream.Engine.ReadChunk(entry, stream.ExtentOf(entry.Chunks[i].ExtentId), i, frame);
                int headerBytes = ChunkFormat.FrameHeaderBytes(entry.IdBytes.Length);
                Current = new StoredBlock((long)i * entry.Shard.BlockSize, _buffer.AsMemory(headerBytes, frameBytes - headerBytes), crc);
                return ValueTask.FromResult(true);
            }

            public ValueTask DisposeAsync()
            {
                Return();
                return ValueTask.CompletedTask;
            }

            private void Return()
            {
                if (_buffer is not null)
                {
                    ArrayPool<byte>.Shared.Return(_buffer);
                    _buffer = null;
                }
            }
        }

        private ShardEngine Engine => engine;

        private ShardEntry Entry => entry;
    }

    /// <summary>The end of the range [offset, offset + length) of a shard (length 0: to its end); throws when outside.</summary>
    private static long CheckRange(long shardLength, long offset, long length)
    {
        long end = length == 0 ? shardLength : offset + length;
        if (offset < 0 || length < 0 || offset > shardLength || end > shardLength)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"range [{offset}, {end}) is outside the shard's {shardLength} bytes");
        }

        return end;
    }
}
