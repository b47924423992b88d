using Cairn.HeatMonitor.Heat;

namespace Cairn.HeatMonitor.Tests;

public class HeatTrackerTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private static HeatSample Ops(string disk, ulong reads, ulong writes = 0, TimeSpan? window = null) =>
        new(disk, "n1", reads, writes, reads * 4096, writes * 4096, 3, 12.5, window ?? Second);

    private static (HeatTracker Tracker, ManualTimeProvider Time) Create(HeatOptions? options = null)
    {
        var time = new ManualTimeProvider();
        return (new HeatTracker(options ?? new HeatOptions(), time), time);
    }

    /// <summary>Reports a steady rate once a second for <paramref name="seconds"/>.</summary>
    private static void Steady(HeatTracker tracker, ManualTimeProvider time, int seconds, params (string Disk, ulong OpsPerSecond)[] disks)
    {
        for (var i = 0; i < seconds; i++)
        {
            time.Advance(Second);
            tracker.Record(disks.Select(d => Ops(d.Disk, d.OpsPerSecond)));
        }
    }

    [Fact]
    public void HeatTracker_Snapshot_SteadyRateConvergesExactly()
    {
        var (tracker, time) = Create();
        Steady(tracker, time, 300, ("d1", 100));
        var d1 = tracker.Snapshot().Disks.Single();
        Assert.Equal(100, d1.Heat, 3);
        Assert.Equal(100, d1.ReadOpsPerSecond, 3);
        Assert.Equal(0, d1.WriteOpsPerSecond, 3);
        Assert.Equal(100 * 4096, d1.BytesPerSecond, 0);
        Assert.Equal(12.5, d1.LatencyP99Ms);
        Assert.Equal(3u, d1.QueueDepth);
    }

    [Fact]
    public void HeatTracker_Snapshot_SteadyRateIsExactWhateverTheWindow()
    {
        // One report of 500 ops every 5 s is the same 100 ops/s as above.
        var (tracker, time) = Create();
        for (var i = 0; i < 60; i++)
        {
            time.Advance(TimeSpan.FromSeconds(5));
            tracker.Record([Ops("d1", 500, window: TimeSpan.FromSeconds(5))]);
        }

        Assert.Equal(100, tracker.Snapshot().Disks.Single().Heat, 3);
    }

    [Fact]
    public void HeatTracker_Snapshot_HalvesEveryHalfLifeWithoutSamples()
    {
        var (tracker, time) = Create(new HeatOptions { HalfLife = TimeSpan.FromSeconds(10) });
        Steady(tracker, time, 300, ("d1", 80));
        var before = tracker.Snapshot().Disks.Single().Heat;

        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(before / 2, tracker.Snapshot().Disks.Single().Heat, 6);
        time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(before / 8, tracker.Snapshot().Disks.Single().Heat, 6);
    }

    [Fact]
    public void HeatTracker_Snapshot_SingleBurstDecaysFromItsMass()
    {
        // 100 ops at one instant (zero window): mass 100, rate 100 ln2 / h; after h, half of that.
        var (tracker, time) = Create(new HeatOptions { HalfLife = TimeSpan.FromSeconds(10) });
        tracker.Record([Ops("d1", 100, window: TimeSpan.Zero)]);
        Assert.Equal(100 * Math.Log(2) / 10, tracker.Snapshot().Disks.Single().Heat, 9);
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(100 * Math.Log(2) / 20, tracker.Snapshot().Disks.Single().Heat, 9);
    }

    [Fact]
    public void HeatTracker_Record_DiskFarAboveMedianTurnsHot()
    {
        var (tracker, time) = Create(new HeatOptions { HotFloor = 50, HotFactor = 2 });
        Steady(tracker, time, 120, ("d1", 40), ("d2", 40), ("d3", 40), ("d4", 40));
        Assert.DoesNotContain(tracker.Snapshot().Disks, d => d.Hot);

        var transitions = new List<HotTransition>();
        for (var i = 0; i < 120; i++)
        {
            time.Advance(Second);
            transitions.AddRange(tracker.Record([Ops("d1", 40), Ops("d2", 40), Ops("d3", 40), Ops("d4", 200)]));
        }

        var turned = Assert.Single(transitions);
        Assert.Equal("d4", turned.DiskId);
        Assert.True(turned.Hot);
        Assert.Equal(["d4"], tracker.Snapshot().Disks.Where(d => d.Hot).Select(d => d.DiskId));
    }

    [Fact]
    public void HeatTracker_Record_UniformlyBusyFleetHasNoHotDisk()
    {
        var (tracker, time) = Create(new HeatOptions { HotFloor = 50, HotFactor = 2 });
        Steady(tracker, time, 120, ("d1", 300), ("d2", 310), ("d3", 290));
        Assert.DoesNotContain(tracker.Snapshot().Disks, d => d.Hot);
    }

    [Fact]
    public void HeatTracker_Record_BelowAbsoluteFloorIsNeverHot()
    {
        // 30 ops/s is 30x the median but still nothing a disk notices.
        var (tracker, time) = Create(new HeatOptions { HotFloor = 50, HotFactor = 2 });
        Steady(tracker, time, 120, ("d1", 1), ("d2", 1), ("d3", 30));
        Assert.DoesNotContain(tracker.Snapshot().Disks, d => d.Hot);
    }

    [Fact]
    public void HeatTracker_Evaluate_HotDiskCoolsWhenTrafficStops()
    {
        var (tracker, time) = Create(new HeatOptions { HotFloor = 50, HotFactor = 2, HalfLife = TimeSpan.FromSeconds(10) });
        Steady(tracker, time, 120, ("d1", 10), ("d2", 10), ("d3", 200));
        Assert.True(tracker.Snapshot().Disks.Single(d => d.DiskId == "d3").Hot);

        // 200 -> below 0.8 x 50 = 40 takes log2(5) ~ 2.3 half-lives.
        time.Advance(TimeSpan.FromSeconds(20));
        Assert.Empty(tracker.Evaluate());
        time.Advance(TimeSpan.FromSeconds(5));
        var cooled = Assert.Single(tracker.Evaluate());
        Assert.Equal("d3", cooled.DiskId);
        Assert.False(cooled.Hot);
    }

    [Fact]
    public void HeatTracker_Evaluate_HysteresisPreventsFlapping()
    {
        // One disk, so the floor (100) is the threshold.
        var (tracker, time) = Create(new HeatOptions { HotFloor = 100, HotFactor = 0.5, CoolRatio = 0.8 });
        Steady(tracker, time, 200, ("d1", 120));
        Assert.True(tracker.Snapshot().Disks.Single().Hot);

        // Just under the threshold (but above 80% of it): still hot.
        var transitions = new List<HotTransition>();
        for (var i = 0; i < 200; i++)
        {
            time.Advance(Second);
            transitions.AddRange(tracker.Record([Ops("d1", 90)]));
        }

        Assert.Empty(transitions);
        Assert.True(tracker.Snapshot().Disks.Single().Hot);

        // Below 80% of it: cools, once.
        for (var i = 0; i < 200; i++)
        {
            time.Advance(Second);
            transitions.AddRange(tracker.Record([Ops("d1", 70)]));
        }

        Assert.False(Assert.Single(transitions).Hot);
    }

    [Fact]
    public void HeatTracker_Changed_CompletesOnRecord()
    {
        var (tracker, _) = Create();
        var changed = tracker.Changed;
        Assert.False(changed.IsCompleted);
        tracker.Record([Ops("d1", 1)]);
        Assert.True(changed.IsCompleted);
        Assert.False(tracker.Changed.IsCompleted);
    }

    [Fact]
    public void HeatTracker_ThresholdOf_UsesMedianAndFloor()
    {
        var (tracker, _) = Create(new HeatOptions { HotFloor = 50, HotFactor = 2 });
        Assert.Equal(50, tracker.ThresholdOf([]));
        Assert.Equal(200, tracker.ThresholdOf([10, 100, 1000]));
        Assert.Equal(110, tracker.ThresholdOf([10, 50, 60, 1000]));
        Assert.Equal(50, tracker.ThresholdOf([1, 2, 3]));
    }
}
