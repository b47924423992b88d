using Cairn.BackgroundOps.Gc;
using Cairn.BackgroundOps.Jobs;
using Cairn.BackgroundOps.Scrub;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cairn.BackgroundOps.Tests;

/// <summary>The GC and scrub domain wired to in-memory fakes and a hand-moved clock.</summary>
internal sealed class GcHarness : IDisposable
{
    public GcHarness(BackgroundOpsOptions? options = null)
    {
        Options = options ?? new BackgroundOpsOptions { GcGrace = TimeSpan.FromSeconds(300), MaxDeleteAttempts = 5 };
        Queue = new RetryQueue(Time);
        Collector = new GarbageCollector(Directory, Storage, References, Queue, Options, Metrics, NullLogger<GarbageCollector>.Instance);
        Reconciler = new Reconciler(Directory, Storage, Storage, References, Ledger, Queue, Options, Metrics, Time);
        Scrubber = new ScrubRunner(Directory, Storage, Corrupt, Metrics, Time);
        Runner = new JobRunner([new GcReconcileJob(Reconciler), new ScrubJob(Scrubber), new RepairJob(Directory, new Repair.RepairRunner(RepairWorld, RepairWorld, new Repair.ShardRebuilder(Directory, RepairWorld), RepairWorld, Metrics, NullLogger<Repair.RepairRunner>.Instance), Corrupt, Options, Time)], Metrics, Time);
    }

    public ManualTimeProvider Time { get; } = new();

    public RepairWorld RepairWorld { get; } = new();

    public BackgroundOpsOptions Options { get; }

    public FakeDiskDirectory Directory { get; } = new();

    public FakeStorage Storage { get; } = new();

    public FakeReferences References { get; } = new();

    public BackgroundOpsMetrics Metrics { get; } = new();

    public SuspectLedger Ledger { get; } = new();

    public CorruptShardRegistry Corrupt { get; } = new();

    public RetryQueue Queue { get; }

    public GarbageCollector Collector { get; }

    public Reconciler Reconciler { get; }

    public ScrubRunner Scrubber { get; }

    public JobRunner Runner { get; }

    public void Dispose() => Metrics.Dispose();
}
