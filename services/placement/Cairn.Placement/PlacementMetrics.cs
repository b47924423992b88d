using System.Diagnostics;
using System.Diagnostics.Metrics;
using Cairn.Placement.Choice;
using Cairn.Placement.Inventory;

namespace Cairn.Placement;

/// <summary>Placement's one Meter and one ActivitySource.</summary>
public sealed class PlacementMetrics : IDisposable
{
    public const string Name = "Cairn.Placement";

    private readonly Meter _meter;
    private readonly Counter<long> _placements;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _heartbeats;
    private readonly Counter<long> _reducedSpread;

    public PlacementMetrics(DiskInventory inventory)
    {
        _meter = new Meter(Name);
        _placements = _meter.CreateCounter<long>("cairn.placement.shard_sets", description: "Shard sets chosen");
        _failures = _meter.CreateCounter<long>("cairn.placement.shard_set_failures", description: "Shard set requests refused, by reason");
        _reducedSpread = _meter.CreateCounter<long>("cairn.placement.reduced_spread",
            description: "Shard sets with two or more shards on one node (too few nodes): one node loss costs more than one shard");
        _heartbeats = _meter.CreateCounter<long>("cairn.placement.heartbeats", description: "Heartbeats received, by whether the node was known");
        _meter.CreateObservableGauge("cairn.placement.disks", () => inventory.Snapshot().Disks
            .GroupBy(d => d.Health)
            .Select(g => new Measurement<long>(g.Count(), new KeyValuePair<string, object?>("state", g.Key.ToString()))),
            description: "Disks by state");
        _meter.CreateObservableGauge("cairn.placement.free_bytes", () => inventory.Snapshot().Disks
            .Where(d => d.Health == DiskHealth.Active)
            .Sum(d => (double)(d.CapacityBytes - Math.Min(d.UsedBytes, d.CapacityBytes))),
            unit: "By", description: "Free bytes on active disks");
    }

    public ActivitySource Activities { get; } = new(Name);

    public void Placed(int count) => _placements.Add(1, new KeyValuePair<string, object?>("count", count));

    public void ReducedSpread() => _reducedSpread.Add(1);

    public void Refused(PlacementFailure reason) => _failures.Add(1, new KeyValuePair<string, object?>("reason", reason.ToString()));

    public void Heartbeat(bool known) => _heartbeats.Add(1, new KeyValuePair<string, object?>("known", known));

    public void Dispose()
    {
        _meter.Dispose();
        Activities.Dispose();
    }
}
