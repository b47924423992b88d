using System.Diagnostics.CodeAnalysis;
using Cairn.StorageNode.Shards;

namespace Cairn.StorageNode.Disks;

/// <summary>Stands in for a disk whose store could not be opened: every call is refused as a failed disk.</summary>
internal sealed class UnopenedShardStore(string diskId) : IShardStore
{
    public Task<StoredShard> WriteAsync(string shardId, int blockSize, IAsyncEnumerable<IncomingBlock> blocks, CancellationToken ct) => throw Failed();

    public Task<IShardReadStream> OpenReadAsync(string shardId, CancellationToken ct) => throw Failed();

    public bool TryReadWhole(string shardId, [NotNullWhen(true)] out WholeShard? shard) => throw Failed();

    public Task<bool> DeleteAsync(string shardId, CancellationToken ct) => throw Failed();

    public Task<StoredShard?> StatAsync(string shardId, CancellationToken ct) => throw Failed();

    public ShardPage List(string? startAfter, int limit) => throw Failed();

    public Task<ScrubReport> ScrubAsync(CancellationToken ct) => throw Failed();

    public StoreUsage GetUsage() => new(0, 0, 0, Full: false);

    private DiskFailedException Failed() => new(diskId);
}
