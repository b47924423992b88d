using System.Globalization;
using Cairn.Placement.Inventory;
using Cairn.ServiceDefaults.Dashboard;

namespace Cairn.Placement;

/// <summary>Disks by state and by fill: a table for the numbers, a grid to spot the full and the dead at a glance.</summary>
public sealed class PlacementDashboard(DiskInventory inventory) : IDashboardSource
{
    public Task<DashboardModel> GetDashboardAsync(CancellationToken ct)
    {
        var snapshot = inventory.Snapshot();
        var disks = snapshot.Disks;
        var capacity = disks.Sum(d => (double)d.CapacityBytes);
        var used = disks.Sum(d => (double)d.UsedBytes);
        var model = new DashboardModel("Placement")
        {
            Stats =
            [
                new("Disks", disks.Count.ToString(CultureInfo.InvariantCulture)),
                new("Nodes", disks.Select(d => d.NodeId).Distinct().Count().ToString(CultureInfo.InvariantCulture)),
                .. disks.GroupBy(d => d.Health).OrderBy(g => g.Key)
                    .Select(g => new DashboardStat(g.Key.ToString(), g.Count().ToString(CultureInfo.InvariantCulture),
                        Alert: g.Key is Choice.DiskHealth.Failed or Choice.DiskHealth.Offline)),
                new("Capacity", Bytes(capacity)),
                new("Used", Bytes(used), capacity > 0 ? (used / capacity).ToString("P1", CultureInfo.InvariantCulture) : null),
                new("Map version", snapshot.Version.ToString(CultureInfo.InvariantCulture)),
            ],
            Tables =
            [
                new DashboardTable(
                    "Disks",
                    ["disk", "node", "zone/rack", "state", "used", "capacity", "fill", "shards", "heat"],
                    disks.Select(d => (IReadOnlyList<string>)
                    [
                        d.DiskId, d.NodeId, $"{d.Zone}/{d.Rack}", d.Health.ToString(), Bytes(d.UsedBytes), Bytes(d.CapacityBytes),
                        d.FillFraction.ToString("P1", CultureInfo.InvariantCulture),
                        d.ShardCount.ToString(CultureInfo.InvariantCulture),
                        d.Heat.ToString("F1", CultureInfo.InvariantCulture) + (d.Hot ? " hot" : ""),
                    ]).ToList()),
            ],
            Grid = new DashboardGrid(
                "Disk fill, one row per node (state shown when not active)",
                disks.OrderBy(d => d.NodeId, StringComparer.Ordinal).Select(d => new DashboardCell(
                    d.DiskId,
                    d.Health is Choice.DiskHealth.Failed or Choice.DiskHealth.Offline ? 1 : d.FillFraction,
                    d.Health == Choice.DiskHealth.Active
                        ? d.FillFraction.ToString("P0", CultureInfo.InvariantCulture)
                        : d.Health.ToString(),
                    d.NodeId)).ToList(),
                "fill 0 to 100%; failed and offline disks are red"),
        };
        return Task.FromResult(model);
    }

    private static string Bytes(double bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
        var i = 0;
        while (bytes >= 1024 && i < units.Length - 1)
        {
            bytes /= 1024;
            i++;
        }

        return bytes.ToString(i == 0 ? "F0" : "F1", CultureInfo.InvariantCulture) + " " + units[i];
    }
}
