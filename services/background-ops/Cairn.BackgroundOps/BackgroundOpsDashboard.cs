using System.Globalization;
using Cairn.BackgroundOps.Gc;
using Cairn.BackgroundOps.Jobs;
using Cairn.BackgroundOps.Scrub;
using Cairn.ServiceDefaults.Dashboard;

namespace Cairn.BackgroundOps;

/// <summary>Jobs, the GC retry queue and what scrub found.</summary>
public sealed class BackgroundOpsDashboard(
    JobRunner runner,
    RetryQueue queue,
    SuspectLedger suspects,
    CorruptShardRegistry corrupt,
    BackgroundOpsMetrics metrics) : IDashboardSource
{
    public Task<DashboardModel> GetDashboardAsync(CancellationToken ct)
    {
        var corruptShards = corrupt.All();
        var model = new DashboardModel("Background ops")
        {
            Stats =
            [
                new("GC events", N(metrics.EventsReceived)),
                new("Shards deleted", N(metrics.ShardsDeleted)),
                new("Retry queue", N(queue.Count), "failed deletes awaiting retry"),
                new("Unreferenced, in grace", N(suspects.Count), "seen unreferenced; deleted once a grace period has passed"),
                new("Corrupt shards", N(corruptShards.Count), "found by scrub or reported by a node; repaired by the next repair pass", Alert: corruptShards.Count > 0),
            ],
            Tables =
            [
                new DashboardTable(
                    "Jobs",
                    ["job", "state", "runs", "last started", "last finished", "items", "last error"],
                    runner.Statuses().Select(s => (IReadOnlyList<string>)
                    [
                        s.Kind.ToString(), s.State, N((long)s.Runs), Time(s.LastStarted), Time(s.LastFinished), N((long)s.ItemsDone), s.LastError,
                    ]).ToList()),
                new DashboardTable(
                    "GC retry queue (first 20)",
                    ["disk", "shard", "attempts", "next attempt", "last error"],
                    queue.Snapshot().Take(20).Select(p => (IReadOnlyList<string>)
                        [p.DiskId, p.ShardId, N(p.Attempts), Time(p.NextAttemptAt), p.LastError]).ToList()),
                new DashboardTable(
                    "Corrupt shards (first 20)",
                    ["disk", "shard", "detected"],
                    corruptShards.Take(20).Select(c => (IReadOnlyList<string>)[c.DiskId, c.ShardId, Time(c.DetectedAt)]).ToList()),
            ],
        };
        return Task.FromResult(model);
    }

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset? t) => t?.ToString("u", CultureInfo.InvariantCulture) ?? "never";
}
