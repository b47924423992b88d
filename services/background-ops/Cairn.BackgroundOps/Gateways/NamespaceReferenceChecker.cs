using Cairn.Namespace.V1;
using NamespaceApi = Cairn.Namespace.V1.Namespace;

namespace Cairn.BackgroundOps.Gateways;

public sealed class NamespaceReferenceChecker(NamespaceApi.NamespaceClient ns) : IReferenceChecker
{
    public async Task<bool> IsReferencedAsync(string shardId, CancellationToken ct)
    {
        var reply = await ns.IsShardReferencedAsync(
            new IsShardReferencedRequest { ShardId = shardId }, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: ct);
        return reply.Referenced;
    }

    public async Task<ReferencedPage> ListReferencedOnDiskAsync(string diskId, string startAfter, int limit, CancellationToken ct)
    {
        var reply = await ns.ListShardsOnDiskAsync(
            new ListShardsOnDiskRequest { DiskId = diskId, StartAfter = startAfter, Limit = (uint)limit },
            deadline: DateTime.UtcNow.AddSeconds(30),
            cancellationToken: ct);
        return new ReferencedPage(reply.Shards.Select(s => s.ShardId).ToList(), reply.IsTruncated);
    }
}
