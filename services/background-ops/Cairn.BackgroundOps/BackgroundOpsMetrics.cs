using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Cairn.BackgroundOps;

/// <summary>Background-ops' one Meter and one ActivitySource, plus the running totals GetStatus reports.</summary>
public sealed class BackgroundOpsMetrics : IDisposable
{
    public const string Name = "Cairn.BackgroundOps";

    private readonly Meter _meter = new(Name);
    private readonly Counter<long> _events;
    private readonly Counter<long> _deleted;
    private readonly Counter<long> _deleteFailures;
    private readonly Counter<long> _skippedReferenced;
    private readonly Counter<long> _corrupt;
    private readonly Counter<long> _jobRuns;
    private readonly Counter<long> _repaired;
    private readonly Counter<long> _repairedBytes;
    private readonly Counter<long> _repairFailures;
    private long _eventsTotal;
    private long _deletedTotal;

    public BackgroundOpsMetrics()
    {
        _events = _meter.CreateCounter<long>("cairn.gc.events", description: "object-garbage events received");
        _deleted = _meter.CreateCounter<long>("cairn.gc.shards_deleted", description: "Shards deleted, by path (event, retry, reconcile)");
        _deleteFailures = _meter.CreateCounter<long>("cairn.gc.delete_failures", description: "Shard deletes that failed and were queued");
        _skippedReferenced = _meter.CreateCounter<long>("cairn.gc.skipped_referenced", description: "Garbage shards the namespace still referenced, left alone");
        _corrupt = _meter.CreateCounter<long>("cairn.scrub.corrupt_shards", description: "Corrupt shards found by scrub");
        _jobRuns = _meter.CreateCounter<long>("cairn.jobs.runs", description: "Job runs, by kind and outcome");
        _repaired = _meter.CreateCounter<long>("cairn.repair.shards", description: "Shards rebuilt on a new disk and swapped into their layout");
        _repairedBytes = _meter.CreateCounter<long>("cairn.repair.bytes", unit: "By", description: "Bytes written by repair");
        _repairFailures = _meter.CreateCounter<long>("cairn.repair.failures", description: "Shard repairs that failed and stay owed");
    }

    public ActivitySource Activities { get; } = new(Name);

    public long EventsReceived => Interlocked.Read(ref _eventsTotal);

    public long ShardsDeleted => Interlocked.Read(ref _deletedTotal);

    /// <summary>Lets the GC queue length be observed without the metrics class knowing the queue.</summary>
    public void ObserveQueue(Func<int> length) =>
        _meter.CreateObservableGauge("cairn.gc.queue_length", length, description: "Failed deletes awaiting retry");

    public void EventReceived()
    {
        Interlocked.Increment(ref _eventsTotal);
        _events.Add(1);
    }

    public void Deleted(string path)
    {
        Interlocked.Increment(ref _deletedTotal);
        _deleted.Add(1, new KeyValuePair<string, object?>("path", path));
    }

    public void DeleteFailed() => _deleteFailures.Add(1);

    public void SkippedReferenced() => _skippedReferenced.Add(1);

    public void CorruptFound(int count) => _corrupt.Add(count);

    public void ShardRepaired(long bytes)
    {
        _repaired.Add(1);
        _repairedBytes.Add(bytes);
    }

    public void ShardRepairFailed() => _repairFailures.Add(1);

    public void JobRan(string kind, string outcome) =>
        _jobRuns.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("outcome", outcome));

    public void Dispose()
    {
        _meter.Dispose();
        Activities.Dispose();
    }
}
