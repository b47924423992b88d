using Cairn.BackgroundOps.Gateways;
using Cairn.BackgroundOps.Gc;
using Cairn.BackgroundOps.Repair;
using Cairn.BackgroundOps.Scrub;

namespace Cairn.BackgroundOps.Jobs;

public enum OpsJobKind
{
    GcReconcile,
    Scrub,
    Repair,
}

/// <summary>What one run did. <paramref name="State"/> overrides the usual idle/failed (e.g. not-implemented).</summary>
public sealed record JobOutcome(ulong ItemsDone, string? Error = null, string? State = null);

public interface IOpsJob
{
    OpsJobKind Kind { get; }

    Task<JobOutcome> RunAsync(CancellationToken ct);
}

public sealed class GcReconcileJob(Reconciler reconciler) : IOpsJob
{
    public OpsJobKind Kind => OpsJobKind.GcReconcile;

    public async Task<JobOutcome> RunAsync(CancellationToken ct)
    {
        var r = await reconciler.RunAsync(ct);
        return new JobOutcome(r.ShardsDeleted, Summarise(r.Errors));
    }

    internal static string? Summarise(IReadOnlyList<string> errors) =>
        errors.Count == 0 ? null : $"{errors.Count} disk(s) failed: " + string.Join("; ", errors.Take(5));
}

public sealed class ScrubJob(ScrubRunner runner) : IOpsJob
{
    public OpsJobKind Kind => OpsJobKind.Scrub;

    public async Task<JobOutcome> RunAsync(CancellationToken ct)
    {
        var r = await runner.RunAsync(ct);
        return new JobOutcome(r.ShardsChecked, GcReconcileJob.Summarise(r.Errors));
    }
}

/// <summary>
/// Finds what is owed repair and repairs it: every shard of a FAILED or DRAINING disk, of a disk OFFLINE for
/// longer than the grace period (a node restart is not a failure), and the corrupt shards scrub found.
/// </summary>
public sealed class RepairJob(IDiskDirectory disks, RepairRunner runner, CorruptShardRegistry corrupt, BackgroundOpsOptions options, TimeProvider time) : IOpsJob
{
    private readonly Dictionary<string, DateTimeOffset> _offlineSince = new(StringComparer.Ordinal);

    public OpsJobKind Kind => OpsJobKind.Repair;

    public async Task<JobOutcome> RunAsync(CancellationToken ct)
    {
        ulong repaired = 0;
        var errors = new List<string>();
        foreach (var disk in await disks.ListAsync(ct))
        {
            if (ReasonToRepair(disk) is not { } reason)
            {
                continue;
            }

            try
            {
                repaired += (ulong)await runner.RepairDiskAsync(disk.DiskId, reason, ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                errors.Add($"{disk.DiskId}: {e.Message}");
            }
        }

        foreach (var group in corrupt.All().GroupBy(c => c.DiskId, StringComparer.Ordinal))
        {
            try
            {
                repaired += (ulong)await runner.RepairShardsAsync(group.Key, group.Select(c => c.ShardId).ToHashSet(StringComparer.Ordinal), ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                errors.Add($"{group.Key}: {e.Message}");
            }
        }

        return new JobOutcome(repaired, GcReconcileJob.Summarise(errors));
    }

    private string? ReasonToRepair(DiskTarget disk)
    {
        if (disk.Failed)
        {
            return "failed";
        }

        if (disk.Draining)
        {
            return "draining";
        }

        if (disk.Reachable)
        {
            _offlineSince.Remove(disk.DiskId);
            return null;
        }

        var now = time.GetUtcNow();
        if (!_offlineSince.TryGetValue(disk.DiskId, out var since))
        {
            _offlineSince[disk.DiskId] = since = now;
        }

        return now - since >= options.RepairOfflineAfter ? "offline" : null;
    }
}
