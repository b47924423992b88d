using Cairn.Common.V1;
using Cairn.Frontend.Backends;
using Cairn.Frontend.Telemetry;
using Cairn.Namespace.V1;
using Cairn.Placement.V1;
using Cairn.S3.Protocol;
using Cairn.StorageNode.Client;
using Grpc.Core;

namespace Cairn.Frontend.DataPath;

/// <summary>
/// The GET data path: only the parts and bytes of the requested range are read. Erasure-coded parts go to
/// <see cref="ErasureCodedReader"/>; replicated ones are read from one replica at a time. Every chunk the
/// storage client yields has passed its block checksum; when a replica turns out corrupt, missing or
/// unreachable, reading resumes on the next replica at the exact byte where it stopped, so the client sees
/// one seamless, correct stream or an aborted one, never wrong bytes.
/// </summary>
public sealed class ObjectReader(IShardPlacement placement, IShardStorage storage, ErasureCodedReader erasureCoded, FrontendMetrics metrics)
{
    public async Task CopyRangeAsync(ObjectVersion version, long offset, long length, Stream destination, CancellationToken ct)
    {
        long partStart = 0;
        foreach (var part in version.Parts.OrderBy(p => p.PartNumber))
        {
            var partSize = (long)part.Size;
            var from = Math.Max(offset, partStart);
            var to = Math.Min(offset + length, partStart + partSize);
            if (from < to)
            {
                await CopyLayoutRangeAsync(part.Layout, from - partStart, to - from, destination, ct);
            }
            partStart += partSize;
            if (partStart >= offset + length)
            {
                break;
            }
        }
    }

    private async Task CopyLayoutRangeAsync(ShardLayout layout, long offset, long length, Stream destination, CancellationToken ct)
    {
        switch (layout.Scheme)
        {
            case RedundancyScheme.ErasureCoded:
                await erasureCoded.CopyRangeAsync(layout, offset, length, destination, ct);
                return;
            case RedundancyScheme.Replicated:
                break;
            default:
                // A scheme this frontend does not know is never guessed at.
                throw S3Errors.NotImplemented();
        }
        long delivered = 0;
        var replicas = await OrderReplicasAsync(layout, ct);
        foreach (var (shard, disk) in replicas)
        {
            try
            {
                await foreach (var chunk in storage.ReadAsync(disk.Endpoint, shard.DiskId, shard.ShardId, offset + delivered, length - delivered, ct))
                {
                    var usable = chunk.Length <= length - delivered ? chunk : chunk[..(int)(length - delivered)];
                    await destination.WriteAsync(usable, ct);
                    delivered += usable.Length;
                    metrics.AddBytesOut(usable.Length);
                    if (delivered == length)
                    {
                        break;
                    }
                }
                if (delivered == length)
                {
                    return;
                }
                // A short shard is as bad as a corrupt one: fall through to the next replica.
            }
            catch (Exception e) when (IsReplicaFailure(e, ct))
            {
                // Switch replica at the same offset; the bad one is left to scrub and repair.
            }
            metrics.DegradedRead();
        }
        throw S3Errors.ServiceUnavailable();
    }

    private static bool IsReplicaFailure(Exception e, CancellationToken ct) =>
        !ct.IsCancellationRequested
        && e is ShardCorruptException or ShardNotFoundException or RpcException { StatusCode: not StatusCode.Cancelled };

    /// <summary>Active disks first in shard order, then the rest (a disk in another state may still answer).</summary>
    private async Task<List<(ShardLocation Shard, DiskInfo Disk)>> OrderReplicasAsync(ShardLayout layout, CancellationToken ct)
    {
        var replicas = new List<(ShardLocation, DiskInfo)>();
        foreach (var shard in layout.Shards.OrderBy(s => s.Index))
        {
            var disk = await placement.GetDiskAsync(shard.DiskId, ct);
            if (disk is not null)
            {
                replicas.Add((shard, disk));
            }
        }
        return replicas.OrderBy(r => r.Item2.State == DiskState.Active ? 0 : 1).ToList();
    }
}
