namespace Cairn.BackgroundOps.Tests;

public sealed class ReconcilerTests : IDisposable
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(300);
    private readonly GcHarness _h = new();

    [Fact]
    public async Task Reconciler_Run_DeletesOnlyOldUnreferencedShardsAfterGrace()
    {
        var t0 = _h.Time.GetUtcNow();
        _h.Directory.Add("d1");
        _h.Storage.Put("d1", "live", t0.AddHours(-1));
        _h.Storage.Put("d1", "garbage", t0.AddHours(-1));
        _h.Storage.Put("d1", "young", t0.AddSeconds(-10));
        _h.References.Referenced.Add("live");

        // First pass: "garbage" is only a suspect now, "young" is within its grace period.
        var first = await _h.Reconciler.RunAsync(CancellationToken.None);
        Assert.Equal(0UL, first.ShardsDeleted);
        Assert.Equal(1UL, first.ShardsAwaitingGrace);
        Assert.Equal(3UL, first.ShardsExamined);

        _h.Time.Advance(Grace + TimeSpan.FromSeconds(1));
        var second = await _h.Reconciler.RunAsync(CancellationToken.None);
        Assert.Equal(1UL, second.ShardsDeleted);
        Assert.False(_h.Storage.Has("d1", "garbage"));
        Assert.True(_h.Storage.Has("d1", "young")); // old enough now, but only just seen unreferenced

        _h.Time.Advance(Grace + TimeSpan.FromSeconds(1));
        await _h.Reconciler.RunAsync(CancellationToken.None);
        Assert.False(_h.Storage.Has("d1", "young"));
        Assert.True(_h.Storage.Has("d1", "live"));
        Assert.Equal(0, _h.Ledger.Count);
    }

    [Fact]
    public async Task Reconciler_Run_SlowPutCommittedDuringGraceIsKept()
    {
        // A PUT that took an hour: its shard's creation time (write start) is old, but the namespace commit
        // lands after the first pass saw it unreferenced. The observation grace keeps it alive.
        var t0 = _h.Time.GetUtcNow();
        _h.Directory.Add("d1");
        _h.Storage.Put("d1", "slow-put", t0.AddHours(-1));
        await _h.Reconciler.RunAsync(CancellationToken.None);

        _h.Time.Advance(TimeSpan.FromSeconds(2));
        _h.References.Referenced.Add("slow-put");
        _h.Time.Advance(Grace);
        await _h.Reconciler.RunAsync(CancellationToken.None);
        _h.Time.Advance(Grace * 3);
        await _h.Reconciler.RunAsync(CancellationToken.None);

        Assert.True(_h.Storage.Has("d1", "slow-put"));
        Assert.Empty(_h.Storage.Deletes);
    }

    [Fact]
    public async Task Reconciler_Run_ReferencedAgainResetsSuspicion()
    {
        var t0 = _h.Time.GetUtcNow();
        _h.Directory.Add("d1");
        _h.Storage.Put("d1", "s", t0.AddHours(-1));
        await _h.Reconciler.RunAsync(CancellationToken.None);   // suspect
        _h.References.Referenced.Add("s");
        _h.Time.Advance(Grace);
        await _h.Reconciler.RunAsync(CancellationToken.None);   // referenced: suspicion cleared
        _h.References.Referenced.Remove("s");
        _h.Time.Advance(TimeSpan.FromSeconds(10));
        var report = await _h.Reconciler.RunAsync(CancellationToken.None);   // suspect again, from now
        Assert.Equal(0UL, report.ShardsDeleted);
        Assert.True(_h.Storage.Has("d1", "s"));
    }

    [Fact]
    public async Task Reconciler_Run_NamespaceDownDeletesNothing()
    {
        var t0 = _h.Time.GetUtcNow();
        _h.Directory.Add("d1", "d2");
        _h.Storage.Put("d1", "a", t0.AddHours(-1));
        _h.Storage.Put("d2", "b", t0.AddHours(-1));
        await _h.Reconciler.RunAsync(CancellationToken.None);
        _h.References.Down = true;
        _h.Time.Advance(Grace * 2);

        var report = await _h.Reconciler.RunAsync(CancellationToken.None);
        Assert.Equal(0UL, report.ShardsDeleted);
        Assert.Equal(2, report.Errors.Count);
        Assert.Empty(_h.Storage.Deletes);
    }

    [Fact]
    public async Task Reconciler_Run_PagesThroughEveryShard()
    {
        var t0 = _h.Time.GetUtcNow();
        _h.Directory.Add("d1");
        for (var i = 0; i < 2_500; i++)
        {
            _h.Storage.Put("d1", $"s{i:D5}", t0.AddHours(-1));
            if (i % 2 == 0)
            {
                _h.References.Referenced.Add($"s{i:D5}");
            }
        }

        var first = await _h.Reconciler.RunAsync(CancellationToken.None);
        Assert.Equal(2_500UL, first.ShardsExamined);
        _h.Time.Advance(Grace);
        var second = await _h.Reconciler.RunAsync(CancellationToken.None);
        Assert.Equal(1_250UL, second.ShardsDeleted);
        Assert.Equal(1_250, _h.Storage.Shards["d1"].Count);
        Assert.All(_h.Storage.Shards["d1"].Keys, k => Assert.Contains(k, _h.References.Referenced));
    }

    [Fact]
    public async Task Reconciler_Run_SkipsUnreachableAndSurvivesFailingDisks()
    {
        var t0 = _h.Time.GetUtcNow();
        _h.Directory.Add("d1", "d2", "d3");
        _h.Directory.Disks["d3"] = _h.Directory.Disks["d3"] with { Reachable = false };
        _h.Storage.DownDisks.Add("d1");
        _h.Storage.Put("d2", "g", t0.AddHours(-1));
        await _h.Reconciler.RunAsync(CancellationToken.None);
        _h.Time.Advance(Grace);

        var report = await _h.Reconciler.RunAsync(CancellationToken.None);
        Assert.Equal(1, report.DisksScanned);
        Assert.Equal(1, report.DisksSkipped);
        Assert.Single(report.Errors, e => e.StartsWith("d1:", StringComparison.Ordinal));
        Assert.Equal(1UL, report.ShardsDeleted);
    }

    [Fact]
    public async Task Reconciler_Run_IndexedShardsNeedNoPerShardCheck()
    {
        var t0 = _h.Time.GetUtcNow();
        _h.Directory.Add("d1");
        for (var i = 0; i < 2_500; i++)
        {
            _h.Storage.Put("d1", $"s{i:D5}", t0.AddHours(-1));
            _h.References.Reference("d1", $"s{i:D5}");
        }

        _h.Storage.Put("d1", "s01000x", t0.AddHours(-1)); // garbage, between two indexed pages' ids

        await _h.Reconciler.RunAsync(CancellationToken.None);
        Assert.Equal(1, _h.References.Checks);
        Assert.Equal(3, _h.References.IndexPages);
        _h.Time.Advance(Grace);
        var report = await _h.Reconciler.RunAsync(CancellationToken.None);
        Assert.Equal(1UL, report.ShardsDeleted);
        Assert.False(_h.Storage.Has("d1", "s01000x"));
        Assert.Equal(2_500, _h.Storage.Shards["d1"].Count);
    }

    [Fact]
    public async Task Reconciler_Run_LaggingIndexStillConfirmsBeforeDelete()
    {
        // Referenced, but missing from the per-disk index (lag, or another ordering): the per-shard check keeps it.
        var t0 = _h.Time.GetUtcNow();
        _h.Directory.Add("d1");
        _h.Storage.Put("d1", "live", t0.AddHours(-1));
        _h.References.Referenced.Add("live");
        _h.References.Reference("d1", "other");
        await _h.Reconciler.RunAsync(CancellationToken.None);
        _h.Time.Advance(Grace * 2);
        await _h.Reconciler.RunAsync(CancellationToken.None);
        Assert.True(_h.Storage.Has("d1", "live"));
        Assert.Empty(_h.Storage.Deletes);
    }

    public void Dispose() => _h.Dispose();
}
