using Cairn.Common.V1;
using Cairn.Namespace.V1;

namespace Cairn.BackgroundOps.Tests;

public sealed class GarbageCollectorTests : IDisposable
{
    private readonly GcHarness _h = new();

    private static ObjectGarbageEvent Garbage(params (string Disk, string Shard)[] shards)
    {
        var layout = new ShardLayout { Scheme = RedundancyScheme.ErasureCoded, DataShards = 2, ParityShards = 1 };
        layout.Shards.AddRange(shards.Select((s, i) => new ShardLocation { Index = (uint)i, DiskId = s.Disk, ShardId = s.Shard }));
        return new ObjectGarbageEvent { Bucket = "b", Key = "k", Reason = "overwritten", Layouts = { layout } };
    }

    [Fact]
    public async Task GarbageCollector_Handle_DeletesEveryShardAndIsIdempotent()
    {
        _h.Directory.Add("d1", "d2", "d3");
        var now = _h.Time.GetUtcNow();
        _h.Storage.Put("d1", "s0", now);
        _h.Storage.Put("d2", "s1", now);
        _h.Storage.Put("d3", "s2", now);
        var garbage = Garbage(("d1", "s0"), ("d2", "s1"), ("d3", "s2"));

        await _h.Collector.HandleAsync(garbage, CancellationToken.None);
        await _h.Collector.HandleAsync(garbage, CancellationToken.None); // at-least-once redelivery

        Assert.All(new[] { ("d1", "s0"), ("d2", "s1"), ("d3", "s2") }, s => Assert.False(_h.Storage.Has(s.Item1, s.Item2)));
        Assert.Equal(3, _h.Storage.Deletes.Count(d => d.Existed));
        Assert.Equal(3, _h.Storage.Deletes.Count(d => !d.Existed));
        Assert.Equal(0, _h.Queue.Count);
        Assert.Equal(2, _h.Metrics.EventsReceived);
    }

    [Fact]
    public async Task GarbageCollector_Handle_FailedDeleteIsQueuedAndRetried()
    {
        _h.Directory.Add("d1", "d2");
        _h.Storage.Put("d1", "s0", _h.Time.GetUtcNow());
        _h.Storage.Put("d2", "s1", _h.Time.GetUtcNow());
        _h.Storage.DownDisks.Add("d2");

        await _h.Collector.HandleAsync(Garbage(("d1", "s0"), ("d2", "s1")), CancellationToken.None);
        Assert.False(_h.Storage.Has("d1", "s0"));
        var pending = Assert.Single(_h.Queue.Snapshot());
        Assert.Equal(("d2", "s1", 1), (pending.DiskId, pending.ShardId, pending.Attempts));

        // Not due yet: backoff holds it.
        Assert.Equal(0, await _h.Collector.RetryDueAsync(CancellationToken.None));
        Assert.Equal(1, _h.Queue.Count);

        // Due, still failing: attempts grow, still queued once.
        _h.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(0, await _h.Collector.RetryDueAsync(CancellationToken.None));
        Assert.Equal(2, Assert.Single(_h.Queue.Snapshot()).Attempts);

        _h.Storage.DownDisks.Clear();
        _h.Time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(1, await _h.Collector.RetryDueAsync(CancellationToken.None));
        Assert.False(_h.Storage.Has("d2", "s1"));
        Assert.Equal(0, _h.Queue.Count);
    }

    [Fact]
    public async Task GarbageCollector_Handle_RedeliveredEventDoesNotDuplicateQueue()
    {
        _h.Directory.Add("d1");
        _h.Storage.DownDisks.Add("d1");
        var garbage = Garbage(("d1", "s0"));
        await _h.Collector.HandleAsync(garbage, CancellationToken.None);
        await _h.Collector.HandleAsync(garbage, CancellationToken.None);
        Assert.Equal(1, _h.Queue.Count);
    }

    [Fact]
    public async Task GarbageCollector_Retry_GivesUpAfterMaxAttempts()
    {
        _h.Directory.Add("d1");
        _h.Storage.DownDisks.Add("d1");
        await _h.Collector.HandleAsync(Garbage(("d1", "s0")), CancellationToken.None);
        for (var i = 0; i < 10; i++)
        {
            _h.Time.Advance(TimeSpan.FromMinutes(10));
            await _h.Collector.RetryDueAsync(CancellationToken.None);
        }

        Assert.Equal(0, _h.Queue.Count);
    }

    [Fact]
    public async Task GarbageCollector_Handle_UnknownDiskIsQueuedNotDropped()
    {
        await _h.Collector.HandleAsync(Garbage(("d-new", "s0")), CancellationToken.None);
        Assert.Equal(1, _h.Queue.Count);

        _h.Directory.Add("d-new");
        _h.Storage.Put("d-new", "s0", _h.Time.GetUtcNow());
        _h.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, await _h.Collector.RetryDueAsync(CancellationToken.None));
        Assert.False(_h.Storage.Has("d-new", "s0"));
    }

    [Fact]
    public async Task GarbageCollector_Handle_StillReferencedShardIsNeverDeleted()
    {
        _h.Directory.Add("d1");
        _h.Storage.Put("d1", "shared", _h.Time.GetUtcNow());
        _h.References.Referenced.Add("shared");
        await _h.Collector.HandleAsync(Garbage(("d1", "shared")), CancellationToken.None);
        Assert.True(_h.Storage.Has("d1", "shared"));
        Assert.Empty(_h.Storage.Deletes);
        Assert.Equal(0, _h.Queue.Count);
    }

    [Fact]
    public async Task GarbageCollector_Handle_NamespaceDownQueuesInsteadOfDeleting()
    {
        _h.Directory.Add("d1");
        _h.Storage.Put("d1", "s0", _h.Time.GetUtcNow());
        _h.References.Down = true;
        await _h.Collector.HandleAsync(Garbage(("d1", "s0")), CancellationToken.None);
        Assert.True(_h.Storage.Has("d1", "s0"));
        Assert.Equal(1, _h.Queue.Count);
    }

    public void Dispose() => _h.Dispose();
}
