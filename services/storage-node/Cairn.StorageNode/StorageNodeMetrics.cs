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
        Meter.CreateObservableGauge("cairn.storage.disk.queue_depth", () => ObserveDisk(disks, d => d.Store.Counters.QueueDepth), description: "Disk operations started and not finished");
        Meter.CreateObservableGauge("cairn.storage.engine.commit_queue", () => ObserveEngine(disks, e => e.CommitQueueDepth), description: "Writes and deletes waiting for, or in, a group commit");
        Meter.CreateObservableGauge("cairn.storage.engine.dead_bytes", () => ObserveEngine(disks, e => e.DeadBytes), unit: "By", description: "Extent bytes no shard references, until reclamation frees them");
        Meter.CreateObservableCounter("cairn.storage.engine.commit_batches", () => ObserveEngine(disks, e => e.CommitBatches), description: "Group commits (two fsyncs each)");
        Meter.CreateObservableCounter("cairn.storage.engine.commit_requests", () => ObserveEngine(disks, e => e.CommitRequests), description: "Writes and deletes made durable by group commits");
    }

    private static IEnumerable<Measurement<long>> Observe(Disks.DiskSet disks, Func<Shards.StoreUsage, long> pick) =>
        disks.All.Select(d => new Measurement<long>(pick(d.Store.GetUsage()), new KeyValuePair<string, object?>("disk", d.Id)));

    private static IEnumerable<Measurement<long>> ObserveDisk(Disks.DiskSet disks, Func<Disks.Disk, long> pick) =>
        disks.All.Select(d => new Measurement<long>(pick(d), new KeyValuePair<string, object?>("disk", d.Id)));

    private static IEnumerable<Measurement<long>> ObserveEngine(Disks.DiskSet disks, Func<Shards.Engine.EngineStats, long> pick) =>
        disks.All.Where(d => d.Store.EngineStats is not null)
            .Select(d => new Measurement<long>(pick(d.Store.EngineStats!.Value), new KeyValuePair<string, object?>("disk", d.Id)));

    private void Record(string diskId, string op, long bytes, double milliseconds)
    {
        var disk = new KeyValuePair<string, object?>("disk", diskId);
        var operation = new KeyValuePair<string, object?>("op", op);
        _operations.Add(1, disk, operation);
        _bytes.Add(bytes, disk, operation);
        _duration.Record(milliseconds, disk, operation);
    }
}
