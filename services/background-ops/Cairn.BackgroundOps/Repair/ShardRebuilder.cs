using System.Buffers;
using System.Collections.Concurrent;
using Cairn.BackgroundOps.Gateways;
using Cairn.Common.V1;
using Cairn.ErasureCoding;

namespace Cairn.BackgroundOps.Repair;

/// <summary>
/// Writes a fresh copy of one shard onto a new disk, block row by block row, from whatever survives:
/// the shard itself when its disk still reads (a drain: plain copy), else another replica, else any k shards of
/// its erasure-coded stripe decoded. Every byte read is verified by the storage node's per-block checksums,
/// and a source that fails is dropped for the rest of the shard. Memory: one row of blocks, pooled.
/// </summary>
public sealed class ShardRebuilder(IDiskDirectory disks, IShardStreams streams)
{
    private readonly ConcurrentDictionary<(int K, int M), ReedSolomon> _codecs = new();

    /// <summary>Rebuilds <paramref name="shard"/> as <paramref name="newShardId"/> on <paramref name="target"/>; returns bytes written.</summary>
    public async Task<long> RebuildAsync(ShardToRepair shard, DiskTarget target, string newShardId, CancellationToken ct)
    {
        var layout = shard.Layout;
        var rows = Rows(layout);
        var sources = await SourcesAsync(shard, ct);
        var blockSize = (int)layout.BlockSize;
        var total = layout.Shards.Count;
        var buffers = new byte[total][];
        for (var i = 0; i < total; i++)
        {
            buffers[i] = ArrayPool<byte>.Shared.Rent(blockSize);
        }

        try
        {
            await using var sink = await streams.CreateAsync(target, newShardId, blockSize, ct);
            long written = 0;
            foreach (var (offset, length) in rows)
            {
                var block = await RebuildRowAsync(shard, sources, buffers, offset, length, ct);
                await sink.WriteBlockAsync(block, ct);
                written += length;
            }

            await sink.CommitAsync(ct);
            return written;
        }
        finally
        {
            foreach (var b in buffers)
            {
                ArrayPool<byte>.Shared.Return(b);
            }
        }
    }

    /// <summary>The (shard offset, length) of every block of one shard, in order.</summary>
    internal static IReadOnlyList<(long Offset, int Length)> Rows(ShardLayout layout)
    {
        var rows = new List<(long, int)>();
        if (layout.BlockSize == 0)
        {
            throw new InvalidOperationException("layout has no block size");
        }

        if (layout.Scheme == RedundancyScheme.ErasureCoded)
        {
            var stripes = new StripeLayout((long)layout.Size, (int)layout.DataShards, (int)layout.ParityShards, (int)layout.BlockSize);
            for (long s = 0; s < stripes.StripeCount; s++)
            {
                rows.Add((stripes.ShardOffsetOfStripe(s), stripes.BlockSizeOfStripe(s)));
            }
        }
        else
        {
            for (long offset = 0; offset < (long)layout.Size; offset += layout.BlockSize)
            {
                rows.Add((offset, (int)Math.Min(layout.BlockSize, (long)layout.Size - offset)));
            }
        }

        return rows;
    }

    /// <summary>Readable shards by index, in index order (data shards first); a failing one is removed for good.</summary>
    private async Task<SortedDictionary<int, (DiskTarget Disk, string ShardId)>> SourcesAsync(ShardToRepair shard, CancellationToken ct)
    {
        var sources = new SortedDictionary<int, (DiskTarget Disk, string ShardId)>();
        foreach (var location in shard.Layout.Shards)
        {
            if (await disks.FindAsync(location.DiskId, ct) is { Reachable: true } disk)
            {
                sources[(int)location.Index] = (disk, location.ShardId);
            }
        }

        return sources;
    }

    private async Task<ReadOnlyMemory<byte>> RebuildRowAsync(
        ShardToRepair shard, SortedDictionary<int, (DiskTarget Disk, string ShardId)> sources, byte[][] buffers, long offset, int length, CancellationToken ct)
    {
        var layout = shard.Layout;
        var target = shard.Index;
        // The shard itself first: a drained disk still reads, and a copy needs no decode.
        if (await TryReadAsync(sources, target, buffers[target], offset, length, ct))
        {
            return buffers[target].AsMemory(0, length);
        }

        if (layout.Scheme != RedundancyScheme.ErasureCoded)
        {
            foreach (var replica in sources.Keys.Where(i => i != target).ToList())
            {
                if (await TryReadAsync(sources, replica, buffers[target], offset, length, ct))
                {
                    return buffers[target].AsMemory(0, length);
                }
            }

            throw new RepairException($"no replica of {shard.ShardId} could be read at offset {offset}");
        }

        var k = (int)layout.DataShards;
        var total = layout.Shards.Count;
        var present = new bool[total];
        var have = 0;
        // Data shards first: when they are all there the decode is cheapest.
        foreach (var index in sources.Keys.Where(i => i != target).ToList())
        {
            if (have == k)
            {
                break;
            }

            if (await TryReadAsync(sources, index, buffers[index], offset, length, ct))
            {
                present[index] = true;
                have++;
            }
        }

        if (have < k)
        {
            throw new RepairException($"only {have} of the {k} shards needed to rebuild {shard.ShardId} could be read at offset {offset}");
        }

        var codec = _codecs.GetOrAdd((k, (int)layout.ParityShards), key => new ReedSolomon(key.K, key.M));
        var views = buffers.Select(b => b.AsMemory(0, length)).ToArray();
        codec.Reconstruct(views, present);
        return views[target];
    }

    /// <summary>Reads one block of shard <paramref name="index"/>; a failure drops that source for the rest of the shard.</summary>
    private async Task<bool> TryReadAsync(
        SortedDictionary<int, (DiskTarget Disk, string ShardId)> sources, int index, byte[] buffer, long offset, int length, CancellationToken ct)
    {
        if (!sources.TryGetValue(index, out var source))
        {
            return false;
        }

        try
        {
            await streams.ReadExactlyAsync(source.Disk, source.ShardId, offset, buffer.AsMemory(0, length), ct);
            return true;
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            sources.Remove(index);
            return false;
        }
    }
}

/// <summary>A shard cannot be rebuilt from what survives.</summary>
public sealed class RepairException(string message) : Exception(message);
