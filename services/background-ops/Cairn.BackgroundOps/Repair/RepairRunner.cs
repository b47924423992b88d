using Cairn.BackgroundOps.Gateways;
using Cairn.Common.V1;

namespace Cairn.BackgroundOps.Repair;

/// <summary>What one disk's repair has done so far: the admin CLI's and the dashboard's progress figures.</summary>
public sealed record RepairProgress(string DiskId, string Reason, long ShardsSeen, long ShardsRepaired, long ShardsFailed, long ShardsSuperseded, long Bytes, bool Finished);

/// <summary>
/// Moves every shard off a disk that failed, stayed offline or is being drained, and replaces single corrupt
/// shards found by scrub. Per shard: choose a disk away from the layout's others, rebuild there, commit (durable),
/// then swap the location in the namespace. Until the swap the old location stays authoritative, so a crash at
/// any point leaves either the old layout (the new shard is an orphan GC collects) or the new one.
/// </summary>
public sealed partial class RepairRunner(
    IRepairNamespace ns, IReplacementPlacement placement, ShardRebuilder rebuilder, IShardDeleter deleter, BackgroundOpsMetrics metrics, ILogger<RepairRunner> log)
{
    private const int PageSize = 256;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, RepairProgress> _progress = new(StringComparer.Ordinal);

    public IReadOnlyList<RepairProgress> Progress()
    {
        lock (_lock)
        {
            return _progress.Values.OrderBy(p => p.DiskId, StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>Repairs every shard the namespace places on <paramref name="diskId"/>; returns shards moved.</summary>
    public async Task<long> RepairDiskAsync(string diskId, string reason, CancellationToken ct)
    {
        var progress = new RepairProgress(diskId, reason, 0, 0, 0, 0, 0, false);
        Publish(progress);
        await foreach (var shard in ShardsOnDiskAsync(diskId, ct))
        {
            progress = await RepairOneAsync(shard, progress, ct);
            Publish(progress);
        }

        Publish(progress with { Finished = true });
        LogDiskRepaired(diskId, reason, progress.ShardsRepaired, progress.ShardsFailed);
        return progress.ShardsRepaired;
    }

    /// <summary>Repairs the given shards of one disk (scrub found them corrupt); returns shards replaced.</summary>
    public async Task<long> RepairShardsAsync(string diskId, IReadOnlySet<string> shardIds, CancellationToken ct)
    {
        var progress = new RepairProgress(diskId, "corrupt", 0, 0, 0, 0, 0, false);
        var left = new HashSet<string>(shardIds, StringComparer.Ordinal);
        await foreach (var shard in left.Count == 0 ? AsyncEnumerable.Empty<ShardToRepair>() : ShardsOnDiskAsync(diskId, ct))
        {
            if (!left.Remove(shard.ShardId))
            {
                continue;
            }

            // A corrupt shard must not be its own source: rebuild from the others.
            progress = await RepairOneAsync(shard, progress, ct, WithoutShard(shard.Layout, shard.ShardId));
            Publish(progress);
            if (left.Count == 0)
            {
                break;
            }
        }

        Publish(progress with { Finished = true });
        return progress.ShardsRepaired;
    }

    /// <summary>The namespace's index of one disk, page by page. Repaired shards leave it, so the cursor only skips failures.</summary>
    private async IAsyncEnumerable<ShardToRepair> ShardsOnDiskAsync(string diskId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var startAfter = "";
        while (true)
        {
            var page = await ns.ListShardsOnDiskAsync(diskId, startAfter, PageSize, ct);
            foreach (var shard in page.Shards)
            {
                yield return shard;
            }

            if (!page.IsTruncated || page.Shards.Count == 0)
            {
                yield break;
            }

            startAfter = page.Shards[^1].ShardId;
        }
    }

    private async Task<RepairProgress> RepairOneAsync(ShardToRepair shard, RepairProgress progress, CancellationToken ct, ShardLayout? sourceLayout = null)
    {
        progress = progress with { ShardsSeen = progress.ShardsSeen + 1 };
        var newShardId = $"{Guid.NewGuid():N}.repair.{shard.Index}";
        DiskTarget? target = null;
        try
        {
            var exclude = shard.Layout.Shards.Select(s => s.DiskId).Distinct(StringComparer.Ordinal).ToList();
            target = await placement.ChooseAsync(exclude, ShardBytes(shard.Layout), ct);
            var bytes = await rebuilder.RebuildAsync(shard with { Layout = sourceLayout ?? shard.Layout }, target, newShardId, ct);
            var replacement = new ShardLocation { Index = (uint)shard.Index, DiskId = target.DiskId, ShardId = newShardId };
            if (await ns.ReplaceShardLocationAsync(shard.ShardId, replacement, ct))
            {
                metrics.ShardRepaired(bytes);
                return progress with { ShardsRepaired = progress.ShardsRepaired + 1, Bytes = progress.Bytes + bytes };
            }

            // Overwritten or deleted while we rebuilt it: the copy is garbage now.
            await DeleteQuietlyAsync(target, newShardId, ct);
            return progress with { ShardsSuperseded = progress.ShardsSuperseded + 1 };
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            LogShardFailed(e, shard.ShardId, shard.DiskId);
            metrics.ShardRepairFailed();
            if (target is not null)
            {
                await DeleteQuietlyAsync(target, newShardId, ct);
            }

            return progress with { ShardsFailed = progress.ShardsFailed + 1 };
        }
    }

    private async Task DeleteQuietlyAsync(DiskTarget disk, string shardId, CancellationToken ct)
    {
        try
        {
            await deleter.DeleteAsync(disk, shardId, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // Not referenced by anything: reconciliation collects it after the grace period.
            LogCleanupFailed(e, shardId, disk.DiskId);
        }
    }

    private static ShardLayout WithoutShard(ShardLayout layout, string shardId)
    {
        var copy = layout.Clone();
        var at = copy.Shards.ToList().FindIndex(s => s.ShardId == shardId);
        // Keep the index, lose the disk: the rebuilder finds no source for it and decodes from the others.
        copy.Shards[at] = new ShardLocation { Index = copy.Shards[at].Index, DiskId = "", ShardId = shardId };
        return copy;
    }

    private static ulong ShardBytes(ShardLayout layout) => layout.Scheme == RedundancyScheme.ErasureCoded
        ? (ulong)new ErasureCoding.StripeLayout((long)layout.Size, (int)layout.DataShards, (int)layout.ParityShards, (int)layout.BlockSize).ShardLength
        : layout.Size;

    private void Publish(RepairProgress progress)
    {
        lock (_lock)
        {
            _progress[progress.DiskId] = progress;
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Repair of disk {DiskId} ({Reason}) finished: {Repaired} shards moved, {Failed} failed")]
    private partial void LogDiskRepaired(string diskId, string reason, long repaired, long failed);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Repair of shard {ShardId} on disk {DiskId} failed; it stays on the work list")]
    private partial void LogShardFailed(Exception e, string shardId, string diskId);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Could not delete abandoned repair copy {ShardId} on {DiskId}; GC will")]
    private partial void LogCleanupFailed(Exception e, string shardId, string diskId);
}
