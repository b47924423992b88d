using System.Globalization;
using Cairn.HeatMonitor.Heat;
using Cairn.ServiceDefaults.Dashboard;

namespace Cairn.HeatMonitor;

/// <summary>Every disk as a cell coloured by heat (the threshold sits mid-scale), and the ten hottest.</summary>
public sealed class HeatMonitorDashboard(HeatTracker tracker) : IDashboardSource
{
    public Task<DashboardModel> GetDashboardAsync(CancellationToken ct)
    {
        var snapshot = tracker.Snapshot();
        var disks = snapshot.Disks;
        var scale = 2 * snapshot.HotThreshold;
        var model = new DashboardModel("Heat monitor")
        {
            Stats =
            [
                new("Disks", disks.Count.ToString(CultureInfo.InvariantCulture)),
                new("Hot", disks.Count(d => d.Hot).ToString(CultureInfo.InvariantCulture)),
                new("Hot threshold", F1(snapshot.HotThreshold) + " ops/s",
                    $"max({F1(tracker.Options.HotFloor)}, {F1(tracker.Options.HotFactor)} x median)"),
                new("Total ops/s", F1(disks.Sum(d => d.Heat))),
                new("Half-life", tracker.Options.HalfLife.TotalSeconds.ToString(CultureInfo.InvariantCulture) + " s"),
            ],
            Grid = new DashboardGrid(
                "Heat by disk (ops/s)",
                disks.Select(d => new DashboardCell(
                    d.DiskId,
                    scale <= 0 ? 0 : Math.Clamp(d.Heat / scale, 0, 1),
                    F1(d.Heat) + (d.Hot ? " hot" : ""))).ToList()),
            Tables =
            [
                new DashboardTable(
                    "Hottest disks",
                    ["disk", "node", "heat", "read/s", "write/s", "MiB/s", "p99 ms", "queue", "hot"],
                    disks.OrderByDescending(d => d.Heat).Take(10).Select(d => (IReadOnlyList<string>)
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
