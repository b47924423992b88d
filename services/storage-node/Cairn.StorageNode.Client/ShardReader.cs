using System.Runtime.CompilerServices;
using Cairn.Storage.V1;
using Grpc.Core;

namespace Cairn.StorageNode.Client;

/// <summary>
/// Reads a byte range of a shard, verifying every block's CRC32C before any of its bytes are handed out.
/// </summary>
public static class ShardReader
{
    /// <summary>
    /// Streams the verified bytes of [offset, offset+length) (length 0 = to the end). A CRC mismatch,
    /// a gap or a short stream throws <see cref="ShardCorruptException"/>; a missing shard throws
    /// <see cref="ShardNotFoundException"/>. Each chunk stays valid after the next one is read.
    /// </summary>
    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAsync(
        Storage.V1.StorageNode.StorageNodeClient client,
        string diskId,
        string shardId,
        long offset,
        long length,
        [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);

        using var call = client.ReadShard(
            new ReadShardRequest { DiskId = diskId, ShardId = shardId, Offset = (ulong)offset, Length = (ulong)length },
            cancellationToken: ct);

        long end = length == 0 ? long.MaxValue : offset + length;
        long position = offset;
        while (true)
        {
            ShardBlock block;
            try
            {
                if (!await call.ResponseStream.MoveNext(ct))
                {
                    break;
                }

                block = call.ResponseStream.Current;
            }
            catch (RpcException ex)
            {
                throw Translate(ex, diskId, shardId);
            }

            var data = block.Data.Memory;
            if (Crc32C.Compute(data.Span) != block.Crc32C)
            {
                throw new ShardCorruptException(diskId, shardId, $"CRC32C mismatch in the block at offset {block.Offset}");
            }

            long blockStart = (long)block.Offset;
            long blockEnd = blockStart + data.Length;
            if (blockStart > position || blockEnd <= position || data.Length == 0)
            {
                throw new ShardCorruptException(diskId, shardId, $"block at {blockStart} does not continue the stream at {position}");
            }

            int from = (int)(position - blockStart);
            int to = (int)(Math.Min(blockEnd, end) - blockStart);
            position = blockStart + to;
            yield return data[from..to];
            if (position >= end)
            {
                yield break;
            }
        }

        if (length != 0 && position < end)
        {
            throw new ShardCorruptException(diskId, shardId, $"stream ended at {position}, before {end}");
        }
    }

    internal static Exception Translate(RpcException ex, string diskId, string shardId) => ex.StatusCode switch
    {
        StatusCode.NotFound => new ShardNotFoundException(diskId, shardId, ex),
        StatusCode.DataLoss => new ShardCorruptException(diskId, shardId, ex.Status.Detail, ex),
        _ => ex,
    };
}
