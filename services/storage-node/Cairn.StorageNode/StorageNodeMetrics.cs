using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Cairn.StorageNode;

/// <summary>The storage node's one Meter and one ActivitySource ("Cairn.StorageNode").</summary>
public sealed class StorageNodeMetrics
{
    public const string Name = "Cairn.StorageNode";
    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Counter<long> _operations;
    private readonly Counter<long> _bytes;
    private readonly Counter<long> _errors;
    private readonly Histogram<double> _duration;

    public StorageNodeMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        Meter = meterFactory.Create(Name);
        _operations = Meter.CreateCounter<long>("cairn.storage.operations", description: "Shard reads and writes per disk");
        _bytes = Meter.CreateCounter<long>("cairn.storage.bytes", unit: "By", description: "Shard bytes read and written per disk");
        _errors = Meter.CreateCounter<long>("cairn.storage.errors", description: "Failed disk operations, injected ones included");
        _duration = Meter.CreateHistogram<double>("cairn.storage.duration", unit: "ms", description: "Time in the disk per shard read or write");
    }

    public Meter Meter { get; }

    public void RecordWrite(string diskId, long bytes, double milliseconds) => Record(diskId, "write", bytes, milliseconds);

    public void RecordRead(string diskId, long bytes, double milliseconds) => Record(diskId, "read", bytes, milliseconds);

    public void RecordError(string diskId) => _errors.Add(1, new KeyValuePair<string, object?>("disk", diskId));

    /// <summary>Per-disk capacity, usage and shard count, observed when metrics are collected.</summary>
    public void ObserveDisks(Disks.DiskSet disks)
    {
        ArgumentNullException.ThrowIfNull(disks);
        Meter.CreateObservableGauge("cairn.storage.disk.used", () => Observe(disks, d => d.UsedBytes), unit: "By");
        Meter.CreateObservableGauge("cairn.storage.disk.capacity", () => Observe(disks, d => d.CapacityBytes), unit: "By");
        Meter.CreateObservableGauge("cairn.storage.disk.shards", () => Observe(disks, d => d.ShardCount));
    }

    private static IEnumerable<Measurement<long>> Observe(Disks.DiskSet disks, Func<Shards.StoreUsage, long> pick) =>
        disks.All.Select(d => new Measurement<long>(pick(d.Store.GetUsage()), new KeyValuePair<string, object?>("disk", d.Id)));

    private void Record(string diskId, string op, long bytes, double milliseconds)
    {
        var disk = new KeyValuePair<string, object?>("disk", diskId);
        var operation = new KeyValuePair<string, object?>("op", op);
        _operations.Add(1, disk, operation);
        _bytes.Add(bytes, disk, operation);
        _duration.Record(milliseconds, disk, operation);
    }
}
