using Cairn.StorageNode.Client;

namespace Cairn.Frontend.Backends;

/// <summary>Storage nodes through the storage-node client library (pooled channels per endpoint).</summary>
public sealed class GrpcShardStorage(StorageNodeClients clients) : IShardStorage
{
    public async Task<IShardWrite> OpenWriteAsync(string endpoint, string diskId, string shardId, int blockSize, CancellationToken ct)
    {
        var writer = await ShardWriter.OpenAsync(clients.Get(endpoint), diskId, shardId, blockSize, ct);
        return new Write(writer);
    }

    public IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAsync(string endpoint, string diskId, string shardId, long offset, long length, CancellationToken ct) =>
        ShardReader.ReadAsync(clients.Get(endpoint), diskId, shardId, offset, length, ct);

    private sealed class Write(ShardWriter writer) : IShardWrite
    {
        public Task WriteBlockAsync(ReadOnlyMemory<byte> block, CancellationToken ct) => writer.WriteBlockAsync(block, ct);

        public Task CommitAsync(CancellationToken ct) => writer.CommitAsync(ct);

        public ValueTask DisposeAsync() => writer.DisposeAsync();
    }
}
