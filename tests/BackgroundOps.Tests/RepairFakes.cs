using Cairn.BackgroundOps.Gateways;
using Cairn.BackgroundOps.Repair;
using Cairn.Common.V1;
using Grpc.Core;

namespace Cairn.BackgroundOps.Tests;

/// <summary>
/// The namespace's layouts and per-disk shard index, and the storage nodes' shard bytes, in memory, for repair.
/// Shards can be made unreadable (a dead disk, a corrupt shard) and writes can be made to fail.
/// </summary>
internal sealed class RepairWorld : IRepairNamespace, IReplacementPlacement, IShardStreams, IShardDeleter
{
    private readonly Lock _lock = new();

    /// <summary>Object name → its layout (the namespace).</summary>
    public Dictionary<string, ShardLayout> Layouts { get; } = new(StringComparer.Ordinal);

    /// <summary>(disk, shard) → committed bytes (the storage nodes).</summary>
    public Dictionary<(string Disk, string Shard), byte[]> Stored { get; } = [];

    public HashSet<string> Unreadable { get; } = new(StringComparer.Ordinal);

    public HashSet<string> FullDisks { get; } = new(StringComparer.Ordinal);

    /// <summary>Disks whose node stopped heartbeating: placement hands none of them out.</summary>
    public HashSet<string> Offline { get; } = new(StringComparer.Ordinal);

    public List<string> Disks { get; } = [];

    public int Reads { get; private set; }

    /// <summary>Called before each ReplaceShardLocation: lets a test overwrite the object meanwhile.</summary>
    public Action? BeforeReplace { get; set; }

    public Task<ShardToRepairPage> ListShardsOnDiskAsync(string diskId, string startAfter, int limit, CancellationToken ct)
    {
        lock (_lock)
        {
            var all = Layouts.Values
                .SelectMany(l => l.Shards.Where(s => s.DiskId == diskId).Select(s => new ShardToRepair(s.ShardId, s.DiskId, (int)s.Index, l.Clone())))
                .Where(s => string.CompareOrdinal(s.ShardId, startAfter) > 0)
                .OrderBy(s => s.ShardId, StringComparer.Ordinal)
                .ToList();
            return Task.FromResult(new ShardToRepairPage(all.Take(limit).ToList(), all.Count > limit));
        }
    }

    public Task<bool> ReplaceShardLocationAsync(string oldShardId, ShardLocation replacement, CancellationToken ct)
    {
        BeforeReplace?.Invoke();
        lock (_lock)
        {
            foreach (var layout in Layouts.Values)
            {
                var at = layout.Shards.ToList().FindIndex(s => s.ShardId == oldShardId);
                if (at >= 0)
                {
                    layout.Shards[at] = replacement.Clone();
                    return Task.FromResult(true);
                }
            }

            return Task.FromResult(false);
        }
    }

    public Task<DiskTarget> ChooseAsync(IReadOnlyCollection<string> excludeDiskIds, ulong shardBytes, CancellationToken ct)
    {
        var disk = Disks.FirstOrDefault(d => !excludeDiskIds.Contains(d) && !Unreadable.Contains(d) && !Offline.Contains(d))
            ?? throw new RpcException(new Status(StatusCode.ResourceExhausted, "no disk"));
        return Task.FromResult(Target(disk));
    }

    public Task ReadExactlyAsync(DiskTarget disk, string shardId, long offset, Memory<byte> destination, CancellationToken ct)
    {
        lock (_lock)
        {
            Reads++;
            if (Unreadable.Contains(disk.DiskId) || Unreadable.Contains(shardId) || !Stored.TryGetValue((disk.DiskId, shardId), out var bytes))
            {
                throw new RpcException(new Status(StatusCode.DataLoss, $"{shardId} on {disk.DiskId} unreadable"));
            }

            bytes.AsMemory((int)offset, destination.Length).CopyTo(destination);
            return Task.CompletedTask;
        }
    }

    public Task<IShardSink> CreateAsync(DiskTarget disk, string shardId, int blockSize, CancellationToken ct) =>
        Task.FromResult<IShardSink>(new Sink(this, disk.DiskId, shardId, blockSize));

    public Task<bool> DeleteAsync(DiskTarget disk, string shardId, CancellationToken ct)
    {
        lock (_lock)
        {
            return Task.FromResult(Stored.Remove((disk.DiskId, shardId)));
        }
    }

    public static DiskTarget Target(string disk) => new(disk, "node-" + disk, "http://" + disk);

    /// <summary>Placement's view of the same disks: unreadable disks show as failed.</summary>
    public FakeDiskDirectory Directory()
    {
        var directory = new FakeDiskDirectory();
        foreach (var d in Disks)
        {
            directory.Disks[d] = Unreadable.Contains(d) ? Target(d) with { Reachable = false, Failed = true }
                : Offline.Contains(d) ? Target(d) with { Reachable = false }
                : Target(d);
        }

        return directory;
    }

    /// <summary>Stores an object as n full replicas on the given disks.</summary>
    public ShardLayout AddReplicated(string name, byte[] data, int blockSize, params string[] disks)
    {
        var layout = new ShardLayout
        {
            Scheme = RedundancyScheme.Replicated, DataShards = 1, ParityShards = (uint)disks.Length - 1,
            BlockSize = (uint)blockSize, Size = (ulong)data.Length,
        };
        for (var i = 0; i < disks.Length; i++)
        {
            layout.Shards.Add(new ShardLocation { Index = (uint)i, DiskId = disks[i], ShardId = $"{name}.{i}" });
            Stored[(disks[i], $"{name}.{i}")] = data.ToArray();
        }

        Layouts[name] = layout;
        return layout;
    }

    /// <summary>Stores an object as k+m shards exactly as the stripe layout defines them (last stripe zero-padded).</summary>
    public ShardLayout AddErasureCoded(string name, byte[] data, int k, int m, int blockSize, params string[] disks)
    {
        var stripes = new ErasureCoding.StripeLayout(data.Length, k, m, blockSize);
        var shards = Enumerable.Range(0, k + m).Select(_ => new byte[stripes.ShardLength]).ToArray();
        var codec = new ErasureCoding.ReedSolomon(k, m);
        for (long s = 0; s < stripes.StripeCount; s++)
        {
            var b = stripes.BlockSizeOfStripe(s);
            var offset = stripes.ShardOffsetOfStripe(s);
            var blocks = Enumerable.Range(0, k + m).Select(_ => new byte[b]).ToArray();
            for (var i = 0; i < k; i++)
            {
                var range = stripes.DataBlockRange(s, i);
                data.AsSpan((int)range.Offset, (int)range.Length).CopyTo(blocks[i]);
            }

            codec.Encode(blocks);
            for (var i = 0; i < k + m; i++)
            {
                blocks[i].CopyTo(shards[i], offset);
            }
        }

        var layout = new ShardLayout
        {
            Scheme = RedundancyScheme.ErasureCoded, DataShards = (uint)k, ParityShards = (uint)m,
            BlockSize = (uint)blockSize, Size = (ulong)data.Length,
        };
        for (var i = 0; i < k + m; i++)
        {
            layout.Shards.Add(new ShardLocation { Index = (uint)i, DiskId = disks[i], ShardId = $"{name}.{i}" });
            Stored[(disks[i], $"{name}.{i}")] = shards[i];
        }

        Layouts[name] = layout;
        return layout;
    }

    /// <summary>The bytes now stored for shard <paramref name="index"/> of an object, wherever its layout points.</summary>
    public byte[] ShardBytes(string name, int index)
    {
        var location = Layouts[name].Shards.Single(s => s.Index == index);
        return Stored[(location.DiskId, location.ShardId)];
    }

    private sealed class Sink(RepairWorld world, string disk, string shard, int blockSize) : IShardSink
    {
        private readonly MemoryStream _bytes = new();
        private bool _lastWasShort;

        public Task WriteBlockAsync(ReadOnlyMemory<byte> block, CancellationToken ct)
        {
            // The storage contract: every block but the last is exactly the block size.
            Assert.False(_lastWasShort, "a short block was followed by another block");
            Assert.InRange(block.Length, 1, blockSize);
            _lastWasShort = block.Length < blockSize;
            _bytes.Write(block.Span);
            return Task.CompletedTask;
        }

        public Task CommitAsync(CancellationToken ct)
        {
            if (world.FullDisks.Contains(disk))
            {
                throw new RpcException(new Status(StatusCode.ResourceExhausted, "disk full"));
            }

            lock (world._lock)
            {
                world.Stored[(disk, shard)] = _bytes.ToArray();
            }

            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
