using Cairn.Storage.V1;
using Cairn.StorageNode.Client;

namespace Cairn.BackgroundOps.Gateways;

/// <summary>Listing, deleting and scrubbing shards through the storage node's gRPC API.</summary>
public sealed class StorageNodeShards(StorageNodeClients clients) : IShardInventory, IShardDeleter, IDiskScrubber
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    public async Task<ShardListing> ListAsync(DiskTarget disk, string startAfter, int limit, CancellationToken ct)
    {
        var reply = await clients.Get(disk.Endpoint).ListShardsAsync(
            new ListShardsRequest { DiskId = disk.DiskId, StartAfter = startAfter, Limit = (uint)limit },
            deadline: DateTime.UtcNow + CallTimeout,
            cancellationToken: ct);
        return new ShardListing(reply.Shards.Select(s => new ShardEntry(s.ShardId, s.CreatedUnixMs)).ToList(), reply.IsTruncated);
    }

    public async Task<bool> DeleteAsync(DiskTarget disk, string shardId, CancellationToken ct)
    {
        var reply = await clients.Get(disk.Endpoint).DeleteShardAsync(
            new DeleteShardRequest { DiskId = disk.DiskId, ShardId = shardId },
            deadline: DateTime.UtcNow + CallTimeout,
            cancellationToken: ct);
        return reply.Existed;
    }

    public async Task<ScrubOutcome> ScrubAsync(DiskTarget disk, CancellationToken ct)
    {
        // No deadline: a scrub reads the whole disk; the job's cancellation bounds it.
        var reply = await clients.Get(disk.Endpoint).ScrubDiskAsync(new ScrubDiskRequest { DiskId = disk.DiskId }, cancellationToken: ct);
        return new ScrubOutcome(reply.ShardsChecked, reply.BlocksChecked, reply.CorruptShardIds.ToList());
    }
}
