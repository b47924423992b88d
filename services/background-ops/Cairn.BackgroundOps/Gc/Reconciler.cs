using Cairn.BackgroundOps.Gateways;

namespace Cairn.BackgroundOps.Gc;

public sealed record ReconcileReport(
    int DisksScanned,
    int DisksSkipped,
    ulong ShardsExamined,
    ulong ShardsDeleted,
    ulong ShardsAwaitingGrace,
    IReadOnlyList<string> Errors);

/// <summary>
/// Finds garbage without events (lost events, crashed PUTs): lists every reachable disk and deletes each shard
/// that is older than the grace period, that the namespace does not reference, and that has been seen
/// unreferenced for a grace period already. Live shards are cleared in bulk against the namespace's per-disk
/// shard index; only the rest are checked one by one. Any doubt keeps the shard: a failed reference check skips the rest
/// of that disk, and an unreachable disk is skipped, so errors only ever delay collection.
/// </summary>
public sealed class Reconciler(
    IDiskDirectory directory,
    IShardInventory inventory,
    IShardDeleter deleter,
    IReferenceChecker references,
    SuspectLedger ledger,
    RetryQueue queue,
    BackgroundOpsOptions options,
    BackgroundOpsMetrics metrics,
    TimeProvider time)
{
    public async Task<ReconcileReport> RunAsync(CancellationToken ct)
    {
        using var activity = metrics.Activities.StartActivity("GcReconcile");
        var disks = await directory.ListAsync(ct);
        var report = new Tally();
        foreach (var disk in disks)
        {
            if (!disk.Reachable)
            {
                report.Skipped++;
                continue;
            }

            try
            {
                await ReconcileDiskAsync(disk, report, ct);
                report.Scanned++;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                report.Errors.Add($"{disk.DiskId}: {e.Message}");
            }
        }

        return new ReconcileReport(report.Scanned, report.Skipped, report.Examined, report.Deleted, report.Waiting, report.Errors);
    }

    private async Task ReconcileDiskAsync(DiskTarget disk, Tally report, CancellationToken ct)
    {
        var suspects = new HashSet<string>(StringComparer.Ordinal);
        var indexed = new ReferencedCursor(references, disk.DiskId, options.ListPageSize);
        var startAfter = "";
        while (true)
        {
            var page = await inventory.ListAsync(disk, startAfter, options.ListPageSize, ct);
            foreach (var shard in page.Shards)
            {
                report.Examined++;
                var now = time.GetUtcNow();
                if (now - DateTimeOffset.FromUnixTimeMilliseconds(shard.CreatedUnixMs) < options.GcGrace)
                {
                    continue; // possibly an in-flight PUT: not even a suspect yet
                }

                if (await indexed.IndexedAsync(shard.ShardId, ct) || await references.IsReferencedAsync(shard.ShardId, ct))
                {
                    ledger.Clear(disk.DiskId, shard.ShardId);
                    continue;
                }

                if (now - ledger.MarkUnreferenced(disk.DiskId, shard.ShardId, now) < options.GcGrace)
                {
                    suspects.Add(shard.ShardId);
                    report.Waiting++;
                    continue;
                }

                await deleter.DeleteAsync(disk, shard.ShardId, ct);
                ledger.Clear(disk.DiskId, shard.ShardId);
                queue.Forget(disk.DiskId, shard.ShardId);
                metrics.Deleted("reconcile");
                report.Deleted++;
            }

            if (!page.IsTruncated || page.Shards.Count == 0)
            {
                break;
            }

            startAfter = page.Shards[^1].ShardId;
        }

        ledger.RetainOnly(disk.DiskId, suspects);
    }

    private sealed class Tally
    {
        public int Scanned { get; set; }

        public int Skipped { get; set; }

        public ulong Examined { get; set; }

        public ulong Deleted { get; set; }

        public ulong Waiting { get; set; }

        public List<string> Errors { get; } = [];
    }
}
