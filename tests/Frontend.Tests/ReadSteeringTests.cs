using Cairn.Frontend;
using Cairn.Frontend.DataPath.Steering;
using Cairn.Namespace.V1;
using Frontend.Tests.Fakes;
using Microsoft.Extensions.Options;

namespace Frontend.Tests;

/// <summary>Read steering (which k shards) and hedging (when to race a spare), on fakes and a fake clock.</summary>
public class ReadSteeringTests
{
    private const int B = 4096;
    private const int StripeBytes = 4 * B;

    private static ShardCandidate[] Cool(int n) => Enumerable.Range(0, n).Select(i => new ShardCandidate(i, 0, true)).ToArray();

    [Fact]
    public void ShardRanking_Rank_AllCoolReadsDataShardsFirst()
    {
        Assert.Equal([0, 1, 2, 3, 4, 5], ShardRanking.Rank(Cool(6), 4, parityPenalty: 20, steer: true));
    }

    [Fact]
    public void ShardRanking_Rank_HotDataDiskIsReplacedByTheCoolestParity()
    {
        var shards = Cool(6);
        shards[1] = shards[1] with { Heat = 500 };
        shards[4] = shards[4] with { Heat = 30 };
        Assert.Equal([0, 2, 3, 5, 4, 1], ShardRanking.Rank(shards, 4, parityPenalty: 20, steer: true));
    }

    [Fact]
    public void ShardRanking_Rank_HeatWithinTheParityPenaltyKeepsDataShards()
    {
        var shards = Cool(6);
        shards[2] = shards[2] with { Heat = 15 };
        Assert.Equal([0, 1, 2, 3], ShardRanking.Rank(shards, 4, parityPenalty: 20, steer: true).Take(4).Order());
    }

    [Fact]
    public void ShardRanking_Rank_SteeringOffIgnoresHeatButNotDiskState()
    {
        var shards = Cool(6);
        shards[0] = shards[0] with { Heat = 1e6 };
        shards[3] = shards[3] with { Active = false };
        Assert.Equal([0, 1, 2, 4, 5, 3], ShardRanking.Rank(shards, 4, parityPenalty: 20, steer: false));
    }

    [Fact]
    public void DiskLatencies_HedgeDelay_InitialThenTheClassP95NeverBelowFloor()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Start);
        var latencies = new DiskLatencies(Options.Create(new FrontendOptions
        {
            ReadSteering = new ReadSteeringOptions { HedgeInitialMs = 100, HedgeFloorMs = 5, HedgeMinSamples = 20, HedgePercentile = 0.95 },
        }), time);
        Assert.Equal(TimeSpan.FromMilliseconds(100), latencies.HedgeDelay("d1"));
        for (var i = 1; i <= 100; i++)
        {
            latencies.Record("d1", TimeSpan.FromMilliseconds(i));
            latencies.Record("d2", TimeSpan.FromMilliseconds(i));
            latencies.Record("d3", TimeSpan.FromMilliseconds(i));
            latencies.Record("slow", TimeSpan.FromMilliseconds(500 + i));
        }

        // The median over disks of their p95s: the slow disk does not teach the class that slow is normal.
        Assert.Equal(TimeSpan.FromMilliseconds(95), latencies.HedgeDelay("slow"));
        Assert.Equal(TimeSpan.FromMilliseconds(95), latencies.HedgeDelay("unknown"));

        var fast = new DiskLatencies(Options.Create(new FrontendOptions
        {
            ReadSteering = new ReadSteeringOptions { HedgeFloorMs = 5, HedgeMinSamples = 20 },
        }), time);
        for (var i = 0; i < 40; i++)
        {
            fast.Record("d", TimeSpan.FromMilliseconds(0.1));
        }

        Assert.Equal(TimeSpan.FromMilliseconds(5), fast.HedgeDelay("d"));
    }

    [Fact]
    public void DiskLatencies_IsSlow_FarAboveTheClassMedianUntilTheVerdictLapses()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Start);
        var latencies = new DiskLatencies(Options.Create(new FrontendOptions
        {
            ReadSteering = new ReadSteeringOptions { HedgeFloorMs = 10, HedgeMinSamples = 20, SlowFactor = 1.5, SlowMarginMs = 20, SlowVerdictSeconds = 10 },
        }), time);
        for (var i = 0; i < 40; i++)
        {
            foreach (var disk in new[] { "a", "b", "c", "d" })
            {
                latencies.Record(disk, TimeSpan.FromMilliseconds(5 + (i % 3)));
            }

            latencies.Record("slow", TimeSpan.FromMilliseconds(55));
            latencies.Record("twice", TimeSpan.FromMilliseconds(12)); // twice the class, but only 6 ms above it
            latencies.Record("quick-but-odd", TimeSpan.FromMilliseconds(i < 5 ? 1000 : 5));
        }

        Assert.True(latencies.IsSlow("slow"));
        Assert.False(latencies.IsSlow("a"));
        Assert.False(latencies.IsSlow("twice"));
        Assert.False(latencies.IsSlow("quick-but-odd"));
        Assert.False(latencies.IsSlow("never-read"));

        time.Advance(TimeSpan.FromSeconds(11));
        Assert.False(latencies.IsSlow("slow")); // not read for a while: tried again
    }

    [Fact]
    public void DiskLatencies_IsSlow_UnderLoadNeedsBothTheRatioAndTheMargin()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Start);
        var latencies = new DiskLatencies(Options.Create(new FrontendOptions
        {
            ReadSteering = new ReadSteeringOptions { HedgeMinSamples = 20, SlowFactor = 1.5, SlowMarginMs = 20 },
        }), time);
        for (var i = 0; i < 40; i++)
        {
            foreach (var disk in new[] { "a", "b", "c", "d", "e" })
            {
                latencies.Record(disk, TimeSpan.FromMilliseconds(60)); // every disk queues behind a busy CPU
            }

            latencies.Record("bit-slower", TimeSpan.FromMilliseconds(85)); // 25 ms above, but only 1.4x
            latencies.Record("injected", TimeSpan.FromMilliseconds(110)); // 50 ms above and 1.8x
        }

        Assert.False(latencies.IsSlow("bit-slower"));
        Assert.True(latencies.IsSlow("injected"));
        Assert.False(latencies.IsSlow("a"));
    }

    [Fact]
    public void ShardRanking_Rank_SlowDataDiskRanksAfterEveryFastShardButBeforeInactive()
    {
        var shards = Cool(6);
        shards[1] = shards[1] with { Slow = true };
        shards[5] = shards[5] with { Heat = 400 };
        shards[2] = shards[2] with { Active = false };
        Assert.Equal([0, 3, 4, 5, 1, 2], ShardRanking.Rank(shards, 4, parityPenalty: 20, steer: true));
        Assert.Equal([0, 1, 3, 4, 5, 2], ShardRanking.Rank(shards, 4, parityPenalty: 20, steer: false));
    }

    [Fact]
    public async Task ErasureCodedRead_DiskKnownSlow_IsReadAroundFromTheStartWithoutHedging()
    {
        var harness = Harness(hedge: true);
        harness.Options.ReadSteering.HedgeMinSamples = 4;
        var data = DataPathHarness.Payload((2 * StripeBytes) + 7);
        var version = await harness.StoreAsync(data);
        var shards = version.Parts[0].Layout.Shards;
        foreach (var shard in shards)
        {
            for (var i = 0; i < 8; i++)
            {
                harness.Latencies.Record(shard.DiskId, TimeSpan.FromMilliseconds(shard.Index == 2 ? 200 : 2));
            }
        }

        harness.Cluster.GatedDisks[shards[2].DiskId] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Cluster.Reads.Clear();

        // Completes without the fake clock moving: nothing waited on disk 2 (a wait would need a hedge timer).
        var read = harness.ReadAsync(version);
        Assert.Same(read, await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(20))));
        Assert.Equal(data, await read);
        // Disk 2 was touched once, by the probe nobody waited for (one block, at the first stripe).
        var probe = Assert.Single(harness.Cluster.Reads, r => r.Shard == shards[2].ShardId);
        Assert.Equal((0L, (long)B), (probe.Offset, probe.Length));
        Assert.Equal(1, harness.Metrics.SlowDiskProbes);
        Assert.Equal(0, harness.Metrics.HedgedReads);
        Assert.Equal(1, harness.Metrics.SteeredReads);
        harness.Cluster.GatedDisks[shards[2].DiskId].SetResult();
    }

    [Fact]
    public void DiskLatencies_TryClaimProbe_OncePerIntervalAndOnlyForASlowDisk()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Start);
        var latencies = new DiskLatencies(Options.Create(new FrontendOptions
        {
            ReadSteering = new ReadSteeringOptions { HedgeMinSamples = 8, SlowFactor = 1.5, SlowMarginMs = 20, SlowProbeSeconds = 0.5 },
        }), time);
        for (var i = 0; i < 16; i++)
        {
            foreach (var disk in new[] { "a", "b", "c" })
            {
                latencies.Record(disk, TimeSpan.FromMilliseconds(5));
            }

            latencies.Record("slow", TimeSpan.FromMilliseconds(60));
        }

        Assert.False(latencies.TryClaimProbe("a"));
        Assert.False(latencies.TryClaimProbe("never-read"));
        var claims = new bool[16];
        Parallel.For(0, claims.Length, i => claims[i] = latencies.TryClaimProbe("slow"));
        Assert.Equal(1, claims.Count(c => c)); // racing readers: one probe
        time.Advance(TimeSpan.FromMilliseconds(400));
        Assert.False(latencies.TryClaimProbe("slow"));
        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True(latencies.TryClaimProbe("slow"));
    }

    [Fact]
    public async Task ErasureCodedRead_ProbesOfASlowDisk_KeepTheVerdictWhileSlowAndClearItOnceRecovered()
    {
        var harness = Harness(hedge: true);
        harness.Options.ReadSteering.HedgeMinSamples = 4;
        harness.Options.ReadSteering.SlowVerdictSeconds = 10;
        harness.Options.ReadSteering.SlowProbeSeconds = 1;
        var data = DataPathHarness.Payload(StripeBytes);
        var version = await harness.StoreAsync(data);
        var shards = version.Parts[0].Layout.Shards;
        var slow = shards[1].DiskId;
        foreach (var shard in shards)
        {
            for (var i = 0; i < 8; i++)
            {
                harness.Latencies.Record(shard.DiskId, TimeSpan.FromMilliseconds(shard.Index == 1 ? 200 : 2));
            }
        }

        // Twenty seconds of reads, one per second: each second's probe takes 200 ms on the slow disk.
        for (var second = 0; second < 20; second++)
        {
            var gate = harness.Cluster.GatedDisks[slow] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            harness.Cluster.Reads.Clear();
            Assert.Equal(data, await harness.ReadAsync(version));
            Assert.Equal(1, harness.Cluster.Reads.Count(r => r.Disk == slow)); // the probe, never the read itself
            harness.Time.Advance(TimeSpan.FromMilliseconds(200));
            gate.SetResult();
            await AdvanceUntil(harness, () => harness.Metrics.SlowDiskProbes == second + 1 && harness.Latencies.IsSlow(slow));
            harness.Time.Advance(TimeSpan.FromMilliseconds(800));
        }

        Assert.True(harness.Latencies.IsSlow(slow)); // 20 s > the 10 s lapse: the probes kept it current

        // The disk recovers: its probes come back fast and the verdict clears without a request ever waiting on it.
        harness.Cluster.GatedDisks.TryRemove(slow, out _);
        for (var second = 0; second < 40 && harness.Latencies.IsSlow(slow); second++)
        {
            await harness.ReadAsync(version);
            await AdvanceUntil(harness, () => harness.Metrics.SlowDiskProbes == 20 + second + 1);
            harness.Time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.False(harness.Latencies.IsSlow(slow));
    }

    [Fact]
    public async Task ErasureCodedRead_HotDataDisk_ReadsParityInsteadAndDecodes()
    {
        var harness = Harness(hedge: false);
        var data = DataPathHarness.Payload(3 * StripeBytes);
        var version = await harness.StoreAsync(data);
        var shards = version.Parts[0].Layout.Shards;
        harness.Cluster.Heat[shards[2].DiskId] = 1000;
        harness.Cluster.Reads.Clear();

        Assert.Equal(data, await harness.ReadAsync(version));
        Assert.DoesNotContain(harness.Cluster.Reads, r => r.Shard == shards[2].ShardId);
        Assert.Contains(harness.Cluster.Reads, r => r.Shard == shards[4].ShardId);
        Assert.Equal(1, harness.Metrics.SteeredReads);
        Assert.Equal(3, harness.Metrics.DecodedStripes);
    }

    [Fact]
    public async Task ErasureCodedRead_SteeringOff_ReadsDataShardsWhateverTheHeat()
    {
        var harness = Harness(hedge: false, steer: false);
        var data = DataPathHarness.Payload(2 * StripeBytes);
        var version = await harness.StoreAsync(data);
        harness.Cluster.Heat[version.Parts[0].Layout.Shards[2].DiskId] = 1000;
        harness.Cluster.Reads.Clear();

        Assert.Equal(data, await harness.ReadAsync(version));
        Assert.Equal(4, harness.Cluster.Reads.Count);
        Assert.Equal(0, harness.Metrics.SteeredReads);
        Assert.Equal(0, harness.Metrics.DecodedStripes);
    }

    [Fact]
    public async Task ErasureCodedRead_SlowShardPastItsP95_IsHedgedWithParity()
    {
        var harness = Harness(hedge: true);
        var data = DataPathHarness.Payload((2 * StripeBytes) + 99);
        var version = await harness.StoreAsync(data);
        var shards = version.Parts[0].Layout.Shards;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Cluster.GatedDisks[shards[1].DiskId] = gate;

        var read = harness.ReadAsync(version);
        await AdvanceUntil(harness, () => read.IsCompleted);

        Assert.Equal(data, await read);
        Assert.True(harness.Metrics.HedgedReads >= 1);
        Assert.True(harness.Metrics.DecodedStripes >= 1);
        Assert.Contains(harness.Cluster.Reads, r => r.Shard == shards[4].ShardId);
        Assert.False(gate.Task.IsCompleted);
    }

    [Fact]
    public async Task ErasureCodedRead_HedgingOff_WaitsForTheSlowShard()
    {
        var harness = Harness(hedge: false);
        var data = DataPathHarness.Payload(2 * StripeBytes);
        var version = await harness.StoreAsync(data);
        var shards = version.Parts[0].Layout.Shards;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Cluster.GatedDisks[shards[1].DiskId] = gate;
        harness.Cluster.Reads.Clear();

        var read = harness.ReadAsync(version);
        // Well past any hedge delay, but inside the read timeout.
        await AdvanceUntil(harness, () => harness.Cluster.Reads.Any(r => r.Shard == shards[1].ShardId) && harness.Time.GetUtcNow() > Start + TimeSpan.FromSeconds(2));
        Assert.False(read.IsCompleted);
        gate.SetResult();

        Assert.Equal(data, await read);
        Assert.Equal(0, harness.Metrics.HedgedReads);
        Assert.DoesNotContain(harness.Cluster.Reads, r => r.Shard == shards[4].ShardId || r.Shard == shards[5].ShardId);
    }

    [Fact]
    public async Task ErasureCodedRead_ShardPastTheReadTimeout_CountsAsFailedAndIsDecodedAround()
    {
        var harness = Harness(hedge: false);
        harness.Options.ReadSteering.ReadTimeoutMs = 1000;
        var data = DataPathHarness.Payload(StripeBytes + 5);
        var version = await harness.StoreAsync(data);
        harness.Cluster.GatedDisks[version.Parts[0].Layout.Shards[0].DiskId] = new TaskCompletionSource();

        var read = harness.ReadAsync(version);
        await AdvanceUntil(harness, () => read.IsCompleted);

        Assert.Equal(data, await read);
        Assert.Equal(0, harness.Metrics.HedgedReads);
        Assert.Equal(1, harness.Metrics.DegradedReads);
    }

    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static DataPathHarness Harness(bool hedge, bool steer = true)
    {
        var harness = new DataPathHarness(new FrontendOptions
        {
            BlockSize = B,
            ErasureCoding = new ErasureCodingOptions { ThresholdBytes = 1 },
            ReadSteering = new ReadSteeringOptions { Enabled = steer, HedgeEnabled = hedge, HedgeInitialMs = 50, HedgeFloorMs = 10, ReadTimeoutMs = 30_000 },
        });
        harness.Time.SetUtcNow(Start);
        return harness;
    }

    /// <summary>Moves the fake clock in small steps until the condition holds (the read runs on the thread pool meanwhile).</summary>
    private static async Task AdvanceUntil(DataPathHarness harness, Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached");
            harness.Time.Advance(TimeSpan.FromMilliseconds(5));
            await Task.Delay(1);
        }
    }
}
