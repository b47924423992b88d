using System.Security.Cryptography;
using Cairn.BackgroundOps.Jobs;
using Cairn.BackgroundOps.Repair;
using Cairn.BackgroundOps.Scrub;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cairn.BackgroundOps.Tests;

public sealed class RepairTests : IDisposable
{
    private const int Block = 64;
    private static readonly string[] EightDisks = ["d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7"];
    private readonly RepairWorld _world = new();
    private readonly BackgroundOpsMetrics _metrics = new();

    public RepairTests() => _world.Disks.AddRange(EightDisks);

    public static TheoryData<int, int, int> ErasureShapes() => new()
    {
        // k, m, object size: one byte, around a block, around a stripe, several stripes with a ragged end.
        { 4, 2, 1 }, { 4, 2, Block - 1 }, { 4, 2, Block }, { 4, 2, 4 * Block - 1 }, { 4, 2, 4 * Block },
        { 4, 2, 4 * Block + 1 }, { 4, 2, 13 * Block + 17 }, { 3, 3, 7 * Block + 5 }, { 2, 1, 2 * Block + 3 },
    };

    [Theory]
    [MemberData(nameof(ErasureShapes))]
    public async Task ShardRebuilder_EveryLostShardOfAnErasureCodedObject_IsRebuiltByteIdentical(int k, int m, int size)
    {
        _world.AddErasureCoded("o", RandomNumberGenerator.GetBytes(size), k, m, Block, EightDisks[..(k + m)]);
        var original = Enumerable.Range(0, k + m).Select(i => _world.ShardBytes("o", i)).ToList();

        for (var lost = 0; lost < k + m; lost++)
        {
            _world.Unreadable.Clear();
            _world.Unreadable.Add(EightDisks[lost]);
            var rebuilder = new ShardRebuilder(_world.Directory(), _world);
            var shard = (await _world.ListShardsOnDiskAsync(EightDisks[lost], "", 10, CancellationToken.None)).Shards.Single();

            var written = await rebuilder.RebuildAsync(shard, RepairWorld.Target("d7"), $"new.{lost}", CancellationToken.None);

            Assert.Equal(original[lost].Length, written);
            Assert.Equal(original[lost], _world.Stored[("d7", $"new.{lost}")]);
        }
    }

    [Fact]
    public async Task ShardRebuilder_ErasureCoded_SurvivesMLostShardsButNotMore()
    {
        var data = RandomNumberGenerator.GetBytes(9 * Block + 3);
        _world.AddErasureCoded("o", data, 4, 2, Block, EightDisks[..6]);
        var expected = _world.ShardBytes("o", 0);
        _world.Unreadable.UnionWith(["d0", "d3"]);
        var shard = (await _world.ListShardsOnDiskAsync("d0", "", 10, CancellationToken.None)).Shards.Single();

        await new ShardRebuilder(_world.Directory(), _world).RebuildAsync(shard, RepairWorld.Target("d7"), "ok", CancellationToken.None);
        Assert.Equal(expected, _world.Stored[("d7", "ok")]);

        _world.Unreadable.Add("d5");
        await Assert.ThrowsAsync<RepairException>(() =>
            new ShardRebuilder(_world.Directory(), _world).RebuildAsync(shard, RepairWorld.Target("d7"), "too-few", CancellationToken.None));
        Assert.False(_world.Stored.ContainsKey(("d7", "too-few")));
    }

    [Fact]
    public async Task ShardRebuilder_SourceFailingMidShard_SwitchesToAnotherShard()
    {
        var data = RandomNumberGenerator.GetBytes(10 * Block);
        _world.AddErasureCoded("o", data, 2, 2, Block, EightDisks[..4]);
        var expected = _world.ShardBytes("o", 1);
        // Shard 0 is readable for the directory but its bytes vanish: every read of it fails.
        _world.Unreadable.Add("d1");
        var directory = _world.Directory();
        _world.Unreadable.Add("o.0");
        var shard = (await _world.ListShardsOnDiskAsync("d1", "", 10, CancellationToken.None)).Shards.Single();

        await new ShardRebuilder(directory, _world).RebuildAsync(shard, RepairWorld.Target("d7"), "new", CancellationToken.None);

        Assert.Equal(expected, _world.Stored[("d7", "new")]);
    }

    [Fact]
    public async Task ShardRebuilder_Replicated_CopiesFromASurvivingReplicaInBlocks()
    {
        var data = RandomNumberGenerator.GetBytes(5 * Block + 7);
        _world.AddReplicated("o", data, Block, "d0", "d1", "d2");
        _world.Unreadable.UnionWith(["d0", "d1"]);
        var shard = (await _world.ListShardsOnDiskAsync("d0", "", 10, CancellationToken.None)).Shards.Single();

        var written = await new ShardRebuilder(_world.Directory(), _world).RebuildAsync(shard, RepairWorld.Target("d7"), "new", CancellationToken.None);

        Assert.Equal(data.Length, written);
        Assert.Equal(data, _world.Stored[("d7", "new")]);
    }

    [Fact]
    public async Task RepairRunner_FailedDisk_EveryShardMovesAndObjectsStayWhole()
    {
        var objects = new Dictionary<string, byte[]>();
        for (var i = 0; i < 20; i++)
        {
            var data = RandomNumberGenerator.GetBytes(1 + (i * 37 % 11) * Block + i);
            objects[$"ec{i:D2}"] = data;
            _world.AddErasureCoded($"ec{i:D2}", data, 4, 2, Block, Rotate(i, 6));
            objects[$"rep{i:D2}"] = data;
            _world.AddReplicated($"rep{i:D2}", data, Block, Rotate(i, 3));
        }

        var before = objects.Keys.ToDictionary(n => n, n => Enumerable.Range(0, _world.Layouts[n].Shards.Count).Select(i => _world.ShardBytes(n, i)).ToList());
        _world.Unreadable.Add("d2");
        var runner = Runner();

        var moved = await runner.RepairDiskAsync("d2", "failed", CancellationToken.None);

        Assert.True(moved > 0);
        Assert.Empty((await _world.ListShardsOnDiskAsync("d2", "", 1000, CancellationToken.None)).Shards);
        foreach (var (name, shards) in before)
        {
            var layout = _world.Layouts[name];
            Assert.Equal(layout.Shards.Count, layout.Shards.Select(s => s.DiskId).Distinct().Count());
            for (var i = 0; i < shards.Count; i++)
            {
                Assert.Equal(shards[i], _world.ShardBytes(name, i));
            }
        }

        var progress = runner.Progress().Single();
        Assert.Equal((moved, 0L, true), (progress.ShardsRepaired, progress.ShardsFailed, progress.Finished));
    }

    [Fact]
    public async Task RepairRunner_ObjectOverwrittenDuringRebuild_CopyIsDeletedAndCounted()
    {
        _world.AddReplicated("o", RandomNumberGenerator.GetBytes(3 * Block), Block, "d0", "d1", "d2");
        _world.Unreadable.Add("d0");
        _world.BeforeReplace = () => _world.Layouts.Remove("o");
        var storedBefore = _world.Stored.Count;

        var runner = Runner();
        await runner.RepairDiskAsync("d0", "failed", CancellationToken.None);

        var progress = runner.Progress().Single();
        Assert.Equal((1L, 0L), (progress.ShardsSuperseded, progress.ShardsRepaired));
        Assert.Equal(storedBefore, _world.Stored.Count);
    }

    [Fact]
    public async Task RepairRunner_TargetDiskFull_FailureCountedLayoutUntouched()
    {
        _world.AddReplicated("o", RandomNumberGenerator.GetBytes(3 * Block), Block, "d0", "d1", "d2");
        _world.Unreadable.Add("d0");
        // Placement does not know yet: it hands out a disk whose commit then fails.
        _world.FullDisks.UnionWith(EightDisks[3..]);
        var storedBefore = _world.Stored.Count;
        var layoutBefore = _world.Layouts["o"].Clone();

        var runner = Runner();
        var moved = await runner.RepairDiskAsync("d0", "failed", CancellationToken.None);

        Assert.Equal(0, moved);
        Assert.Equal(1, runner.Progress().Single().ShardsFailed);
        Assert.Equal(layoutBefore, _world.Layouts["o"]);
        Assert.Equal(storedBefore, _world.Stored.Count);
    }

    [Fact]
    public async Task RepairRunner_CorruptShard_IsRebuiltFromTheOthersNotCopied()
    {
        var data = RandomNumberGenerator.GetBytes(6 * Block + 9);
        _world.AddErasureCoded("o", data, 4, 2, Block, EightDisks[..6]);
        var expected = _world.ShardBytes("o", 2).ToArray();
        // Bit rot the fake cannot see: only scrub's report says shard 2 is bad.
        _world.Stored[("d2", "o.2")][5] ^= 0x40;

        var replaced = await Runner().RepairShardsAsync("d2", new HashSet<string>(["o.2"]), CancellationToken.None);

        Assert.Equal(1, replaced);
        Assert.NotEqual("d2", _world.Layouts["o"].Shards.Single(s => s.Index == 2).DiskId);
        Assert.Equal(expected, _world.ShardBytes("o", 2));
    }

    [Fact]
    public async Task RepairJob_RepairsFailedAndDrainingDisksAndOfflineOnlyAfterGrace()
    {
        _world.AddReplicated("a", RandomNumberGenerator.GetBytes(Block), Block, "d0", "d1", "d2");
        _world.AddReplicated("b", RandomNumberGenerator.GetBytes(Block), Block, "d3", "d4", "d5");
        var time = new ManualTimeProvider();
        _world.Unreadable.Add("d0");
        _world.Offline.Add("d3");
        var directory = _world.Directory();
        var options = new BackgroundOpsOptions { RepairOfflineAfter = TimeSpan.FromMinutes(15) };
        var job = new RepairJob(directory, Runner(directory), new CorruptShardRegistry(), options, time);

        var first = await job.RunAsync(CancellationToken.None);
        Assert.Equal(1UL, first.ItemsDone);
        Assert.DoesNotContain(_world.Layouts["a"].Shards, s => s.DiskId == "d0");
        Assert.Contains(_world.Layouts["b"].Shards, s => s.DiskId == "d3");

        time.Advance(TimeSpan.FromMinutes(16));
        var second = await job.RunAsync(CancellationToken.None);
        Assert.Equal(1UL, second.ItemsDone);
        Assert.DoesNotContain(_world.Layouts["b"].Shards, s => s.DiskId == "d3");
    }

    private RepairRunner Runner(FakeDiskDirectory? directory = null) =>
        new(_world, _world, new ShardRebuilder(directory ?? _world.Directory(), _world), _world, _metrics, NullLogger<RepairRunner>.Instance);

    private static string[] Rotate(int start, int count) =>
        Enumerable.Range(0, count).Select(i => EightDisks[(start + i) % EightDisks.Length]).ToArray();

    public void Dispose() => _metrics.Dispose();
}
