using Cairn.Common.V1;
using Cairn.ErasureCoding;
using Cairn.Frontend.Backends;
using Cairn.Frontend.DataPath.Steering;
using Cairn.Frontend.Telemetry;
using Cairn.Placement.V1;
using Cairn.S3.Protocol;
using Cairn.ServiceDefaults.Http;
using Microsoft.Extensions.Options;

namespace Cairn.Frontend.DataPath;

/// <summary>
/// The GET data path for erasure-coded layouts: only the stripes the range touches are read, stripe by stripe.
/// Shards are ranked by read steering (coolest disks first, data shards first when all are cool); a stripe
/// whose needed data shards are all readable is copied without decoding, otherwise any k blocks are read and
/// the missing data blocks decoded. Every block read has passed its CRC32C, so a corrupt block only ever costs
/// a decode, never wrong bytes.
/// </summary>
public sealed class ErasureCodedReader(
    IShardPlacement placement,
    IShardStorage storage,
    IDiskHeat heat,
    DiskLatencies latencies,
    IOptions<FrontendOptions> options,
    TimeProvider time,
    FrontendMetrics metrics,
    ILogger<ErasureCodedReader> logger)
{
    public async Task CopyRangeAsync(ShardLayout layout, long offset, long length, Stream destination, CancellationToken ct)
    {
        var k = (int)layout.DataShards;
        var m = (int)layout.ParityShards;
        var stripes = new StripeLayout((long)layout.Size, k, m, (int)layout.BlockSize);
        var slices = stripes.MapRange(offset, length);
        if (slices.Count == 0)
        {
            return;
        }
        var shards = await ResolveShardsAsync(layout, k + m, ct);
        var steering = options.Value.ReadSteering;
        var candidates = shards.Select((s, i) => new ShardCandidate(i, s.Disk is null ? 0 : heat.HeatOf(s.Disk.DiskId), s.Disk?.State == DiskState.Active,
            steering.Enabled && s.Disk is not null && latencies.IsSlow(s.Disk.DiskId))).ToList();
        var ranking = ShardRanking.Rank(candidates, k, steering.ParityPenalty, steering.Enabled);
        if (ranking.Take(k).Any(i => i >= k))
        {
            metrics.SteeredRead();
        }
        ProbeSlowDisks(shards, candidates, slices[0]);

        var context = new StripeReadContext(storage, Codecs.Get(k, m), shards, (int)layout.BlockSize, slices[^1].ShardOffset + slices[^1].BlockSize,
            latencies, steering, time, metrics, logger);
        await using var read = new StripeRead(context, ranking);
        foreach (var slice in slices)
        {
            if (destination is WholeSegmentStream { Started: true } response && read.IsWholeStripe(slice)
                && await TryFetchIntoResponseAsync(read, slice, k, response, ct))
            {
                continue;
            }

            var blocks = await read.FetchAsync(slice, ct);
            foreach (var block in slice.Blocks)
            {
                var bytes = blocks[block.Shard].Slice(block.OffsetInBlock, block.Length);
                await destination.WriteAsync(bytes, ct);
                metrics.AddBytesOut(bytes.Length);
            }
        }
    }

    /// <summary>
    /// Reads one block of each shard on a disk judged slow (at most one per disk per probe interval), off the
    /// request's path: nobody waits for it, and its true latency keeps the disk's verdict current.
    /// </summary>
    private void ProbeSlowDisks(ShardSource[] shards, List<ShardCandidate> candidates, StripeSlice slice)
    {
        foreach (var candidate in candidates.Where(c => c.Slow))
        {
            var shard = shards[candidate.Index];
            if (shard.Disk is { } disk && latencies.TryClaimProbe(disk.DiskId))
            {
                metrics.SlowDiskProbe();
                _ = ProbeAsync(shard.Location.ShardId, disk, slice.ShardOffset, slice.BlockSize);
            }
        }
    }

    private async Task ProbeAsync(string shardId, DiskInfo disk, long offset, int bytes)
    {
        var timeout = TimeSpan.FromMilliseconds(options.Value.ReadSteering.ReadTimeoutMs);
        using var cts = new CancellationTokenSource(timeout, time);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(bytes);
        var started = time.GetTimestamp();
        try
        {
            await using var cursor = storage.OpenCursor(disk.Endpoint, disk.DiskId, shardId, offset, bytes, cts.Token);
            await cursor.ReadExactlyAsync(buffer.AsMemory(0, bytes), cts.Token);
            latencies.Record(disk.DiskId, time.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            latencies.Record(disk.DiskId, timeout); // at least this slow
        }
        catch (Exception ex)
        {
            // A failing disk is the read path's business (it fails over); a probe only measures.
            FrontendLog.SlowDiskProbeFailed(logger, disk.DiskId, ex.Message);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// A whole stripe read straight into the response's buffer (no copy on the way out). Only once the response has
    /// started: before that a failure must still become an S3 error, and Kestrel's memory would be a side buffer.
    /// </summary>
    private async Task<bool> TryFetchIntoResponseAsync(StripeRead read, StripeSlice slice, int k, WholeSegmentStream response, CancellationToken ct)
    {
        var bytes = k * slice.BlockSize;
        var into = response.Writer.GetMemory(bytes);
        if (into.Length < bytes)
        {
            return false; // nothing advanced: the copying path writes as before
        }

        await read.FetchIntoAsync(slice, into[..bytes], ct);
        await response.AdvanceAndFlushAsync(bytes, ct);
        metrics.AddBytesOut(bytes);
        return true;
    }

    /// <summary>Shard i of the layout with its disk (null when placement no longer knows the disk: unreadable).</summary>
    private async Task<ShardSource[]> ResolveShardsAsync(ShardLayout layout, int count, CancellationToken ct)
    {
        var sources = new ShardSource[count];
        foreach (var shard in layout.Shards)
        {
            if (shard.Index >= count || sources[shard.Index] is not null)
            {
                // A layout that does not name each of the k+m shards exactly once cannot be decoded safely.
                throw S3Errors.InternalError();
            }
            sources[shard.Index] = new ShardSource(shard, await placement.GetDiskAsync(shard.DiskId, ct));
        }
        return sources.All(s => s is not null) ? sources : throw S3Errors.InternalError();
    }
}

/// <summary>A shard location and the disk that holds it.</summary>
internal sealed record ShardSource(ShardLocation Location, DiskInfo? Disk);

/// <summary>What one erasure-coded range read needs, fixed for its duration.</summary>
internal sealed record StripeReadContext(
    IShardStorage Storage,
    ReedSolomon Codec,
    IReadOnlyList<ShardSource> Shards,
    int BlockSize,
    long ShardEnd,
    DiskLatencies Latencies,
    ReadSteeringOptions Steering,
    TimeProvider Time,
    FrontendMetrics Metrics,
    ILogger Logger);
