using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using Cairn.StorageNode.Client;

namespace Cairn.StorageNode.Shards.Engine;

// The lean read path for small one-chunk shards (the common small read): one pread, no pins, no lock, no stream.
public sealed partial class ShardEngine
{
    public bool TryReadWhole(string shardId, [NotNullWhen(true)] out WholeShard? shard)
    {
        ThrowIfPoisoned();
        var entry = _table.Get(shardId, out var whole) ?? throw Missing(shardId);
        shard = ReadWhole(entry, whole);
        return shard is not null;
    }

    /// <summary>
    /// Reads a small one-chunk shard of index format v2 whole: page-aligned data alone (one page for 4 KiB),
    /// checked against the CRC32C the index holds; other data with its frame header, checked like any chunk.
    /// No pin: extent files are append-only, so bytes read at a committed chunk's offset are that chunk's (and
    /// are checked anyway); an extent retired meanwhile has its handle closed, which fails the read with
    /// ObjectDisposedException rather than reading another file. Null sends the caller to the pinned path,
    /// which also names what is wrong when the check fails.
    /// </summary>
    private WholeShard? ReadWhole(ShardEntry entry, WholeChunk whole)
    {
        if (whole.Length > 0)
        {
            return _extents.Find(whole.ExtentId) is { } extent ? Read(whole.Shard!, extent, whole.DataOffset, whole.Length, 0, whole.Crc, null) : null;
        }

        if (entry.Chunks.Length != 1 || entry.Crcs is null || entry.Shard.Length > WholeChunk.MaxBytes
            || _extents.Find(entry.Chunks[0].ExtentId) is not { } framed)
        {
            return null;
        }

        return Read(entry.Shard, framed, entry.Chunks[0].Offset, entry.HeaderBytes + (int)entry.Shard.Length, entry.HeaderBytes, entry.Crcs[0], entry);

        // Reads [at, at + bytes) and checks it: data alone against the index CRC, or a whole frame (dataAt > 0).
        WholeShard? Read(StoredShard shard, Extent extent, long at, int bytes, int dataAt, uint crc, ShardEntry? frameOf)
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent(bytes);
            bool verified = false;
            try
            {
                var read = buffer.AsSpan(0, bytes);
                verified = ReadAt(extent, read, at) == bytes && (frameOf is null
                    ? Crc32C.Compute(read) == crc
                    : ChunkFormat.Verify(read, frameOf.IdBytes, frameOf.Version, 0, bytes - dataAt, out _) == crc);
                return verified ? new WholeShard(shard, buffer, dataAt, bytes - dataAt, crc) : null;
            }
            catch (DiskIoException ex) when (ex.InnerException is ObjectDisposedException)
            {
                return null; // retired under us: the pinned path looks again
            }
            finally
            {
                if (!verified)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
    }
}
