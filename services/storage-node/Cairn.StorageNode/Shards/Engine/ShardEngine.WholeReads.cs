using System.Buffers;
using Cairn.StorageNode.Client;

namespace Cairn.StorageNode.Shards.Engine;

// The lean read path for small one-chunk shards (the common small read): one pread at open, no pins, no lock.
public sealed partial class ShardEngine
{
    /// <summary>Shards up to this size are read whole when opened.</summary>
    public const int WholeReadBytes = 64 * 1024;

    /// <summary>
    /// Reads a small one-chunk shard of index format v2 whole: page-aligned data alone (one page for 4 KiB),
    /// checked against the CRC32C the index holds; other data with its frame header, checked like any chunk.
    /// No pin: extent files are append-only, so bytes read at a committed chunk's offset are that chunk's (and
    /// are checked anyway); an extent retired meanwhile has its handle closed, which fails the read with
    /// ObjectDisposedException rather than reading another file. Null sends the caller to the pinned path,
    /// which also names what is wrong when the check fails.
    /// </summary>
    private WholeShardReadStream? TryReadWhole(ShardEntry entry)
    {
        if (entry.Chunks.Length != 1 || entry.Crcs is null || entry.Shard.Length > WholeReadBytes
            || _extents.Find(entry.Chunks[0].ExtentId) is not { } extent)
        {
            return null;
        }

        int length = (int)entry.Shard.Length;
        int dataAt = ChunkFormat.AlignsData(length) ? 0 : entry.HeaderBytes;
        int readBytes = dataAt + length;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(readBytes);
        bool whole = false;
        try
        {
            var read = buffer.AsSpan(0, readBytes);
            long at = entry.Chunks[0].Offset + entry.HeaderBytes - dataAt;
            int n = ReadAt(extent, read, at);
            whole = n == readBytes && (dataAt == 0
                ? Crc32C.Compute(read) == entry.Crcs[0]
                : ChunkFormat.Verify(read, entry.IdBytes, entry.Version, 0, length, out _) == entry.Crcs[0]);
            return whole ? new WholeShardReadStream(entry.Shard, buffer, dataAt, entry.Crcs[0]) : null;
        }
        catch (DiskIoException ex) when (ex.InnerException is ObjectDisposedException)
        {
            return null; // retired under us: the pinned path looks again
        }
        finally
        {
            if (!whole)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>A shard already read and verified; the pooled buffer goes back when the stream is disposed.</summary>
    private sealed class WholeShardReadStream(StoredShard info, byte[] buffer, int dataAt, uint crc) : IShardReadStream
    {
        private byte[]? _buffer = buffer;

        public StoredShard Info => info;

        public IAsyncEnumerable<StoredBlock> ReadBlocksAsync(long offset, long length, CancellationToken ct)
        {
            long end = CheckRange(info, offset, length);
            var data = (_buffer ?? throw new ObjectDisposedException(nameof(WholeShardReadStream))).AsMemory(dataAt, (int)info.Length);
            return new OneBlock(end > offset ? new StoredBlock(0, data, crc) : null, ct);
        }

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _buffer, null) is { } returned)
            {
                ArrayPool<byte>.Shared.Return(returned);
            }

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
