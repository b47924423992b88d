using Cairn.BackgroundOps.Gateways;
using Cairn.Common.V1;
using Cairn.Namespace.V1;
using Cairn.Placement.V1;
using Cairn.StorageNode.Client;
using NamespaceApi = Cairn.Namespace.V1.Namespace;
using PlacementApi = Cairn.Placement.V1.Placement;

namespace Cairn.BackgroundOps.Repair;

/// <summary>The repair gateways over the namespace's, placement's and storage nodes' gRPC contracts.</summary>
public sealed class GrpcRepairGateways(NamespaceApi.NamespaceClient ns, PlacementApi.PlacementClient placement, StorageNodeClients storage)
    : IRepairNamespace, IReplacementPlacement, IShardStreams
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    public async Task<ShardToRepairPage> ListShardsOnDiskAsync(string diskId, string startAfter, int limit, CancellationToken ct)
    {
        var reply = await ns.ListShardsOnDiskAsync(
            new ListShardsOnDiskRequest { DiskId = diskId, StartAfter = startAfter, Limit = (uint)limit },
            deadline: DateTime.UtcNow + CallTimeout, cancellationToken: ct);
        return new ShardToRepairPage(
            reply.Shards.Select(s => new ShardToRepair(s.ShardId, s.DiskId, (int)s.Index, s.Layout)).ToList(),
            reply.IsTruncated);
    }

    public async Task<bool> ReplaceShardLocationAsync(string oldShardId, ShardLocation replacement, CancellationToken ct)
    {
        var reply = await ns.ReplaceShardLocationAsync(
            new ReplaceShardLocationRequest { ShardId = oldShardId, Replacement = replacement },
            deadline: DateTime.UtcNow + CallTimeout, cancellationToken: ct);
        return reply.Replaced;
    }

    public async Task<DiskTarget> ChooseAsync(IReadOnlyCollection<string> excludeDiskIds, ulong shardBytes, CancellationToken ct)
    {
        var request = new ChooseShardSetRequest { Count = 1, ShardSizeHint = shardBytes };
        request.ExcludeDiskIds.AddRange(excludeDiskIds);
        var reply = await placement.ChooseShardSetAsync(request, deadline: DateTime.UtcNow + CallTimeout, cancellationToken: ct);
        var disk = reply.Disks.Single();
        return new DiskTarget(disk.DiskId, disk.NodeId, disk.Endpoint);
    }

    public async Task ReadExactlyAsync(DiskTarget disk, string shardId, long offset, Memory<byte> destination, CancellationToken ct)
    {
        var filled = 0;
        await foreach (var chunk in ShardReader.ReadAsync(storage.Get(disk.Endpoint), disk.DiskId, shardId, offset, destination.Length, ct))
        {
            if (filled + chunk.Length > destination.Length)
            {
                throw new ShardCorruptException(disk.DiskId, shardId, "storage node returned more bytes than asked for");
            }

            chunk.CopyTo(destination[filled..]);
            filled += chunk.Length;
        }

        if (filled != destination.Length)
        {
            throw new ShardCorruptException(disk.DiskId, shardId, $"shard ended after {offset + filled} bytes");
        }
    }

    public async Task<IShardSink> CreateAsync(DiskTarget disk, string shardId, int blockSize, CancellationToken ct) =>
        new Sink(await ShardWriter.OpenAsync(storage.Get(disk.Endpoint), disk.DiskId, shardId, blockSize, ct));

    private sealed class Sink(ShardWriter writer) : IShardSink
    {
        public Task WriteBlockAsync(ReadOnlyMemory<byte> block, CancellationToken ct) => writer.WriteBlockAsync(block, ct);

        public Task CommitAsync(CancellationToken ct) => writer.CommitAsync(ct);

        public ValueTask DisposeAsync() => writer.DisposeAsync();
    }
}
