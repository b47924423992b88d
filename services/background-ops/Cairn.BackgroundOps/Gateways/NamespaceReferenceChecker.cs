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
}
