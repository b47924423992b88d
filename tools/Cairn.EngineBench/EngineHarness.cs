using Cairn.StorageNode.Client;
using Cairn.StorageNode.Shards;
using Cairn.StorageNode.Shards.Engine;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cairn.EngineBench;

/// <summary>The engine as the storage node runs it (default extents and checkpoints), opened on a bench directory.</summary>
internal static class EngineHarness
{
    public static ShardEngine Open(string directory) =>
        ShardEngine.Open(directory, new EngineOptions { BackgroundReclamation = false }, TimeProvider.System, NullLogger.Instance);

    /// <summary>Writes one shard of one block, as a WriteShard RPC with a single block would.</summary>
    public static Task<StoredShard> PutAsync(ShardEngine engine, string id, ReadOnlyMemory<byte> block, uint crc) =>
        engine.WriteAsync(id, block.Length, One(block, crc), CancellationToken.None);

    public static uint Crc(ReadOnlySpan<byte> data) => Crc32C.Compute(data);

    private static async IAsyncEnumerable<IncomingBlock> One(ReadOnlyMemory<byte> block, uint crc)
    {
        await Task.CompletedTask;
        yield return new IncomingBlock(0, block, crc);
    }
}
