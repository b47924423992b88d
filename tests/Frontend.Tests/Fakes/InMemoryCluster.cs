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
public sealed class InMemoryCluster : IShardPlacement, IShardStorage
{
    private readonly List<DiskInfo> _disks;
    private readonly ConcurrentDictionary<(string Disk, string Shard), byte[]> _shards = new();

    public InMemoryCluster(int disks = 6)
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

    /// <summary>Shard id -> byte offset at which reads of it report corruption.</summary>
    public ConcurrentDictionary<string, long> CorruptAt { get; } = new();

    public int Committed => _shards.Count;
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
        if (!_shards.TryGetValue((diskId, shardId), out var bytes))
        {
            throw new ShardNotFoundException(shardId);
        }
        var end = length == 0 ? bytes.Length : Math.Min(bytes.Length, offset + length);
        const int chunk = 64 * 1024;
        for (var at = offset; at < end; at += chunk)
        {
            if (CorruptAt.TryGetValue(shardId, out var bad) && at + chunk > bad)
            {
                throw new ShardCorruptException(diskId, shardId, "injected corruption");
            }
            yield return bytes.AsMemory((int)at, (int)Math.Min(chunk, end - at));
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
