using System.Globalization;
using Cairn.ServiceDefaults.Dashboard;
using Cairn.StorageNode.Disks;

namespace Cairn.StorageNode;

/// <summary>The node's dashboard: one row per disk, and a grid coloured by each disk's current I/O rate.</summary>
public sealed class StorageNodeDashboard(DiskSet disks, StorageNodeOptions options, TimeProvider time) : IDashboardSource
{
    // About what one spinning disk sustains in random I/O: the top of the colour scale.
    private const double HotOpsPerSecond = 120;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, (DiskCounters Counters, long Timestamp)> _previous = new(StringComparer.Ordinal);

    public Task<DashboardModel> GetDashboardAsync(CancellationToken ct)
    {
        var rows = new List<IReadOnlyList<string>>();
        var cells = new List<DashboardCell>();
        long used = 0, capacity = 0, shards = 0;
        foreach (var disk in disks.All)
        {
            var usage = disk.Store.GetUsage();
            var counters = disk.Store.Counters;
            var fault = disk.Store.Fault;
            double rate = OpsPerSecond(disk.Id, counters);
            used += usage.UsedBytes;
            capacity += usage.CapacityBytes;
            shards += usage.ShardCount;
            rows.Add(
            [
                disk.Id, disk.State.ToString(), Bytes(usage.UsedBytes), Bytes(Math.Max(0, usage.CapacityBytes - usage.UsedBytes)),
                Num(usage.ShardCount), Num(counters.Reads), Num(counters.Writes), Num(counters.Errors),
                counters.ReadP99Ms.ToString("F1", CultureInfo.InvariantCulture),
                fault == InjectedFault.None ? "-" : $"{fault.LatencyMs} ms, {fault.ErrorRate:P0}",
            ]);
            cells.Add(new DashboardCell(disk.Id, Math.Clamp(rate / HotOpsPerSecond, 0, 1), $"{rate:F0} op/s"));
        }

        var model = new DashboardModel($"Storage node {options.NodeId}")
        {
            Stats =
            [
                new DashboardStat("Disks", Num(disks.All.Count)),
                new DashboardStat("Shards", Num(shards)),
                new DashboardStat("Used", Bytes(used), $"of {Bytes(capacity)}"),
                new DashboardStat("Zone / rack", $"{options.Zone} / {options.Rack}"),
            ],
            Tables =
            [
                new DashboardTable("Disks", ["Disk", "State", "Used", "Free", "Shards", "Reads", "Writes", "Errors", "Read p99 ms", "Fault"], rows),
            ],
            Grid = new DashboardGrid("Disk heat (operations per second)", cells),
        };
        return Task.FromResult(model);
    }

    private double OpsPerSecond(string diskId, DiskCounters now)
    {
        long timestamp = time.GetTimestamp();
        lock (_lock)
        {
            _previous.TryGetValue(diskId, out var before);
            _previous[diskId] = (now, timestamp);
            if (before.Timestamp == 0)
            {
                return 0;
            }

            double seconds = time.GetElapsedTime(before.Timestamp, timestamp).TotalSeconds;
            long ops = now.Reads + now.Writes - before.Counters.Reads - before.Counters.Writes;
            return seconds > 0 ? ops / seconds : 0;
        }
    }

    private static string Num(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 40 => $"{bytes / (double)(1L << 40):F1} TiB",
        >= 1L << 30 => $"{bytes / (double)(1L << 30):F1} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):F1} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:F1} KiB",
        _ => $"{bytes} B",
    };
}
