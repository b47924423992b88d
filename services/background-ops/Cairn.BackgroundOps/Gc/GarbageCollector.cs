using Cairn.BackgroundOps.Gateways;
using Cairn.Namespace.V1;

namespace Cairn.BackgroundOps.Gc;

/// <summary>
/// Prompt collection from "object-garbage" events: every shard of every layout is deleted on its disk. A delete
/// that fails goes to the <see cref="RetryQueue"/>; nothing here throws for a shard, so one bad disk never makes
/// the bus redeliver the whole event. Idempotent: deleting an absent shard succeeds, and a redelivered event
/// repeats only harmless deletes.
/// </summary>
public sealed partial class GarbageCollector(
    IDiskDirectory directory,
    IShardDeleter deleter,
    IReferenceChecker references,
    RetryQueue queue,
    BackgroundOpsOptions options,
    BackgroundOpsMetrics metrics,
    ILogger<GarbageCollector> log)
{
    public const string Topic = "object-garbage";

    public async Task HandleAsync(ObjectGarbageEvent garbage, CancellationToken ct)
    {
        metrics.EventReceived();
        using var activity = metrics.Activities.StartActivity("GcEvent");
        activity?.SetTag("cairn.reason", garbage.Reason);
        foreach (var layout in garbage.Layouts)
        {
            foreach (var shard in layout.Shards)
            {
                await TryDeleteAsync(shard.DiskId, shard.ShardId, previousAttempts: 0, "event", ct);
            }
        }
    }

    /// <summary>Retries every queued delete that is due; returns how many succeeded.</summary>
    public async Task<int> RetryDueAsync(CancellationToken ct)
    {
        var done = 0;
        foreach (var p in queue.TakeDue())
        {
            if (await TryDeleteAsync(p.DiskId, p.ShardId, p.Attempts, "retry", ct))
            {
                done++;
            }
        }

        return done;
    }

    private async Task<bool> TryDeleteAsync(string diskId, string shardId, int previousAttempts, string path, CancellationToken ct)
    {
        try
        {
            // Defence in depth: the namespace said this layout is garbage, but a shard it still references
            // (a bug, a rolled-back commit, a copy that shares shards) must never be deleted on its word alone.
            if (await references.IsReferencedAsync(shardId, ct))
            {
                metrics.SkippedReferenced();
                LogStillReferenced(diskId, shardId);
                return true;
            }

            var disk = await directory.FindAsync(diskId, ct)
                ?? throw new InvalidOperationException($"disk '{diskId}' is not in placement's disk map");
            await deleter.DeleteAsync(disk, shardId, ct);
            metrics.Deleted(path);
            return true;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            metrics.DeleteFailed();
            if (previousAttempts + 1 >= options.MaxDeleteAttempts)
            {
                LogGivingUp(diskId, shardId, previousAttempts + 1, e);
            }
            else if (!queue.Failed(diskId, shardId, previousAttempts, e.Message))
            {
                LogQueueFull(diskId, shardId);
            }

            return false;
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Garbage shard {ShardId} on {DiskId} is still referenced by the namespace; left alone")]
    private partial void LogStillReferenced(string diskId, string shardId);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Giving up deleting shard {ShardId} on {DiskId} after {Attempts} attempts; reconciliation will find it")]
    private partial void LogGivingUp(string diskId, string shardId, int attempts, Exception e);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "GC retry queue full; dropping delete of {ShardId} on {DiskId} (reconciliation will find it)")]
    private partial void LogQueueFull(string diskId, string shardId);
}
