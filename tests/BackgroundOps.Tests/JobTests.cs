using Cairn.BackgroundOps.Jobs;

namespace Cairn.BackgroundOps.Tests;

public sealed class JobTests : IDisposable
{
    private readonly GcHarness _h = new();

    [Fact]
    public async Task ScrubRunner_Run_RecordsCorruptShardsPerDisk()
    {
        _h.Directory.Add("d1", "d2");
        var now = _h.Time.GetUtcNow();
        _h.Storage.Put("d1", "a", now);
        _h.Storage.Put("d1", "b", now);
        _h.Storage.Put("d2", "c", now);
        _h.Storage.Corrupt["d1"] = ["b"];

        var status = await _h.Runner.RunAsync(OpsJobKind.Scrub, CancellationToken.None);
        Assert.Equal(JobRunner.Idle, status.State);
        Assert.Equal(3UL, status.ItemsDone);
        Assert.Equal(("d1", "b"), _h.Corrupt.All().Select(c => (c.DiskId, c.ShardId)).Single());

        // The next scrub replaces the disk's list: a repaired shard drops out.
        _h.Storage.Corrupt["d1"] = [];
        await _h.Runner.RunAsync(OpsJobKind.Scrub, CancellationToken.None);
        Assert.Empty(_h.Corrupt.All());
    }

    [Fact]
    public async Task JobRunner_Run_RepairWithNothingOwedRepairsNothing()
    {
        _h.Directory.Add("d1", "d2");
        var status = await _h.Runner.RunAsync(OpsJobKind.Repair, CancellationToken.None);
        Assert.Equal(JobRunner.Idle, status.State);
        Assert.Equal(0UL, status.ItemsDone);
        Assert.Equal("", status.LastError);
        Assert.Equal(1UL, status.Runs);
    }

    [Fact]
    public async Task JobRunner_Run_ReportsPartialFailureAndCountsRuns()
    {
        _h.Directory.Add("d1", "d2");
        _h.Storage.DownDisks.Add("d2");
        await _h.Runner.RunAsync(OpsJobKind.GcReconcile, CancellationToken.None);
        var status = await _h.Runner.RunAsync(OpsJobKind.GcReconcile, CancellationToken.None);
        Assert.Equal(JobRunner.Idle, status.State);
        Assert.Equal(2UL, status.Runs);
        Assert.Contains("d2", status.LastError, StringComparison.Ordinal);
        Assert.NotNull(status.LastFinished);

        var all = _h.Runner.Statuses();
        Assert.Equal([OpsJobKind.GcReconcile, OpsJobKind.Scrub, OpsJobKind.Repair], all.Select(s => s.Kind));
    }

    public void Dispose() => _h.Dispose();
}
