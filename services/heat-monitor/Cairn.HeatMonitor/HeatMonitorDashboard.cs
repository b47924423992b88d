using System.Globalization;
using Cairn.HeatMonitor.Heat;
using Cairn.ServiceDefaults.Dashboard;

namespace Cairn.HeatMonitor;

/// <summary>
/// Every disk as a cell coloured by heat, one row per node (the threshold sits mid-scale), the last five minutes
/// of the hottest disks, and the ten hottest in numbers.
/// </summary>
public sealed class HeatMonitorDashboard(HeatTracker tracker) : IDashboardSource, IDashboardSampler
{
    private const int ChartedDisks = 5;
    private readonly DashboardHistory _history = new(capacity: 300);

    public void Sample(DateTimeOffset now)
    {
        var snapshot = tracker.Snapshot();
        _history.Record(now, snapshot.Disks.Select(d => new KeyValuePair<string, double>(d.DiskId, d.Heat)));
    }

    public Task<DashboardModel> GetDashboardAsync(CancellationToken ct)
    {
        var snapshot = tracker.Snapshot();
        var disks = snapshot.Disks;
        var scale = 2 * snapshot.HotThreshold;
        var hottest = disks.OrderByDescending(d => d.Heat).ToList();
        var model = new DashboardModel("Heat monitor")
        {
            Stats =
            [
                new("Disks", disks.Count.ToString(CultureInfo.InvariantCulture)),
                new("Hot", disks.Count(d => d.Hot).ToString(CultureInfo.InvariantCulture), Alert: disks.Any(d => d.Hot)),
                new("Hottest disk", hottest.Count > 0 ? hottest[0].DiskId : "-", hottest.Count > 0 ? F1(hottest[0].Heat) + " ops/s" : null),
                new("Hot threshold", F1(snapshot.HotThreshold) + " ops/s",
                    $"max({F1(tracker.Options.HotFloor)}, {F1(tracker.Options.HotFactor)} x median)"),
                new("Total ops/s", F1(disks.Sum(d => d.Heat))),
                new("Half-life", tracker.Options.HalfLife.TotalSeconds.ToString(CultureInfo.InvariantCulture) + " s"),
            ],
            Charts =
            [
                new DashboardChart($"Hottest disks, last 5 minutes; hot above {F1(snapshot.HotThreshold)}", "ops/s",
                    _history.Series(hottest.Take(ChartedDisks).Select(d => d.DiskId))),
            ],
            Grid = new DashboardGrid(
                "Heat by disk, one row per node (ops/s)",
                disks.OrderBy(d => d.NodeId, StringComparer.Ordinal).Select(d => new DashboardCell(
                    d.DiskId,
                    scale <= 0 ? 0 : Math.Clamp(d.Heat / scale, 0, 1),
                    F1(d.Heat) + (d.Hot ? " hot" : ""),
                    d.NodeId)).ToList(),
                $"0 to {F1(scale)} ops/s (twice the hot threshold)"),
            Tables =
            [
                new DashboardTable(
                    "Hottest disks",
                    ["disk", "node", "heat", "read/s", "write/s", "MiB/s", "p99 ms", "queue", "hot"],
                    hottest.Take(10).Select(d => (IReadOnlyList<string>)
                    [
                        d.DiskId, d.NodeId, F1(d.Heat), F1(d.ReadOpsPerSecond), F1(d.WriteOpsPerSecond),
                        F1(d.BytesPerSecond / (1024 * 1024)), F1(d.LatencyP99Ms),
                        d.QueueDepth.ToString(CultureInfo.InvariantCulture), d.Hot ? "yes" : "",
                    ]).ToList()),
            ],
        };
        return Task.FromResult(model);
    }

    private static string F1(double value) => value.ToString("F1", CultureInfo.InvariantCulture);
}
