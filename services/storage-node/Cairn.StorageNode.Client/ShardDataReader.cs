using System.Runtime.CompilerServices;

namespace Cairn.StorageNode.Client;

/// <summary>
/// <see cref="ShardReader"/> over the node's HTTP/1.1 bulk read (<see cref="ShardDataFrame"/>): the same verified
/// bytes, the same exceptions (ShardNotFoundException, ShardCorruptException, RpcException for everything else,
/// Unavailable for a broken connection), at a fraction of the CPU per byte. <see cref="ShardDataCursor"/> reads
/// into the caller's buffers instead.
/// </summary>
public static class ShardDataReader
{
    /// <summary>A block larger than this is a protocol error, not an allocation.</summary>
    public const int MaxBlockBytes = ShardDataCursor.MaxBlockBytes;

    /// <summary>
    /// Streams the verified bytes of [offset, offset+length) (length 0 = to the end). Unlike the gRPC reader, each
    /// chunk is a pooled buffer valid only until the next one is requested.
    /// </summary>
    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAsync(
        HttpClient http, string dataUrl, string diskId, string shardId, long offset, long length, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var cursor = await ShardDataCursor.OpenAsync(http, dataUrl, diskId, shardId, offset, length, ct);
        while (await cursor.NextAsync(ct) is { IsEmpty: false } chunk)
        {
            yield return chunk;
        }
    }
}
