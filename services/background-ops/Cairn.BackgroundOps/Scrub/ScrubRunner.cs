using Cairn.BackgroundOps.Gateways;

namespace Cairn.BackgroundOps.Scrub;

public sealed record ScrubReport(int DisksScrubbed, int DisksSkipped, ulong ShardsChecked, int CorruptShards, IReadOnlyList<string> Errors);

/// <summary>Asks every reachable disk to verify all its blocks, and records what is corrupt.</summary>
public sealed class ScrubRunner(
    IDiskDirectory directory,
    IDiskScrubber scrubber,
    CorruptShardRegistry registry,
    BackgroundOpsMetrics metrics,
    TimeProvider time)
{
    public async Task<ScrubReport> RunAsync(CancellationToken ct)
    {
        using var activity = metrics.Activities.StartActivity("Scrub");
        int scrubbed = 0, skipped = 0, corrupt = 0;
        ulong shards = 0;
        var errors = new List<string>();
        foreach (var disk in await directory.ListAsync(ct))
        {
            if (!disk.Reachable)
            {
                skipped++;
                continue;
            }

            try
            {
                var outcome = await scrubber.ScrubAsync(disk, ct);
                registry.ReplaceDisk(disk.DiskId, outcome.CorruptShardIds, time.GetUtcNow());
                metrics.CorruptFound(outcome.CorruptShardIds.Count);
                shards += outcome.ShardsChecked;
                corrupt += outcome.CorruptShardIds.Count;
                scrubbed++;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                errors.Add($"{disk.DiskId}: {e.Message}");
            }
        }

        return new ScrubReport(scrubbed, skipped, shards, corrupt, errors);
    }
}
