using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Cairn.Frontend.Backends;
using Cairn.Placement.V1;
using Cairn.S3.Protocol;
using Cairn.StorageNode.Client;
using Grpc.Core;

namespace Frontend.Tests.Fakes;

/// <summary>
/// Placement and storage nodes in memory, with faults to inject: disks that refuse to open a write,
/// shards that turn corrupt after a number of bytes, and a count of what was committed or aborted.
/// </summary>
public sealed class InMemoryCluster : IShardPlacement, IShardStorage, IDiskHeat
{
    private readonly List<DiskInfo> _disks;
    private readonly ConcurrentDictionary<(string Disk, string Shard), byte[]> _shards = new();

    public InMemoryCluster(int disks = 12)
    {
        _disks = Enumerable.Range(0, disks).Select(i => new DiskInfo
        {
            DiskId = $"disk-{i}",
            NodeId = $"node-{i / 2}",
            Endpoint = $"http://node-{i / 2}.invalid",
            State = DiskState.Active,
        }).ToList();
    }

    public ConcurrentDictionary<string, bool> FailOpenDisks { get; } = new();

    /// <summary>Disks whose node is down: every read fails as an unreachable node does.</summary>
    public ConcurrentDictionary<string, bool> DownDisks { get; } = new();

    /// <summary>Disks whose reads wait for the gate (a slow disk), honouring cancellation.</summary>
    public ConcurrentDictionary<string, TaskCompletionSource> GatedDisks { get; } = new();

    /// <summary>Every read asked of storage: which disk and shard, and the shard range.</summary>
    public ConcurrentQueue<(string Disk, string Shard, long Offset, long Length)> Reads { get; } = new();

    /// <summary>Heat per disk, for read steering (see <see cref="IDiskHeat"/>).</summary>
    public ConcurrentDictionary<string, double> Heat { get; } = new();

    public double HeatOf(string diskId) => Heat.GetValueOrDefault(diskId);

    public void Delete(string disk, string shard) => _shards.TryRemove((disk, shard), out _);

    /// <summary>Shard id -> byte offset at which reads of it report corruption.</summary>
    public ConcurrentDictionary<string, long> CorruptAt { get; } = new();

    public int Committed => _shards.Count;

    /// <summary>Every block written: disk and block length (erasure-coded blocks must be B or the last stripe's b).</summary>
    public ConcurrentQueue<(string Disk, int Length)> BlocksWritten { get; } = new();
    public int Aborted;
    public int ChooseCalls;

    public IReadOnlyCollection<(string Disk, string Shard)> ShardKeys => _shards.Keys.ToList();

    public byte[] ShardBytes(string disk, string shard) => _shards[(disk, shard)];

    public Task<IReadOnlyList<DiskInfo>> ChooseShardSetAsync(int count, long shardSizeHint, IReadOnlyCollection<string> excludeDiskIds, string bucket, CancellationToken ct)
    {
        Interlocked.Increment(ref ChooseCalls);
        var chosen = _disks.Where(d => !excludeDiskIds.Contains(d.DiskId)).Take(count).ToList();
        return chosen.Count == count ? Task.FromResult<IReadOnlyList<DiskInfo>>(chosen) : throw S3Errors.ServiceUnavailable();
    }

    public Task<DiskInfo?> GetDiskAsync(string diskId, CancellationToken ct) =>
        Task.FromResult(_disks.FirstOrDefault(d => d.DiskId == diskId));

    public Task<IShardWrite> OpenWriteAsync(string endpoint, string diskId, string shardId, int blockSize, CancellationToken ct)
    {
        if (FailOpenDisks.ContainsKey(diskId))
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "injected"));
        }
        return Task.FromResult<IShardWrite>(new Write(this, diskId, shardId, blockSize));
    }

    public async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAsync(string endpoint, string diskId, string shardId, long offset, long length, [EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Yield();
        Reads.Enqueue((diskId, shardId, offset, length));
        if (DownDisks.ContainsKey(diskId))
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "injected: node down"));
        }
        if (GatedDisks.TryGetValue(diskId, out var gate))
        {
            await gate.Task.WaitAsync(ct);
        }
        if (!_shards.TryGetValue((diskId, shardId), out var bytes))
        {
            throw new ShardNotFoundException(shardId);
        }
        var end = length == 0 ? bytes.Length : Math.Min(bytes.Length, offset + length);
        const int chunk = 64 * 1024;
        for (var at = offset; at < end; at += chunk)
        {
            var length0 = (int)Math.Min(chunk, end - at);
            if (CorruptAt.TryGetValue(shardId, out var bad) && at + length0 > bad)
            {
                // The verified bytes before the bad block still arrive, as from a real node.
                if (bad > at)
                {
                    yield return bytes.AsMemory((int)at, (int)(bad - at));
                }
                throw new ShardCorruptException(diskId, shardId, "injected corruption");
            }
            yield return bytes.AsMemory((int)at, length0);
        }
    }

    private sealed class Write(InMemoryCluster cluster, string diskId, string shardId, int blockSize) : IShardWrite
    {
        private readonly MemoryStream _data = new();
        private bool _committed;

        public Task WriteBlockAsync(ReadOnlyMemory<byte> block, CancellationToken ct)
        {
            if (block.Length > blockSize)
            {
                throw new InvalidOperationException("block larger than the block size");
            }
            // Copy now: the caller reuses its pooled buffer once this completes.
            _data.Write(block.Span);
            cluster.BlocksWritten.Enqueue((diskId, block.Length));
            return Task.CompletedTask;
        }

        public Task CommitAsync(CancellationToken ct)
        {
            cluster._shards[(diskId, shardId)] = _data.ToArray();
            _committed = true;
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            if (!_committed)
            {
                Interlocked.Increment(ref cluster.Aborted);
            }
            return ValueTask.CompletedTask;
        }
    }
}
