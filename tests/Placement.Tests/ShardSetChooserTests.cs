using Cairn.Placement.Choice;

namespace Cairn.Placement.Tests;

public class ShardSetChooserTests
{
    private const ulong TiB = 1UL << 40;

    private static List<PlacementCandidate> Cluster(int nodes, int disksPerNode, ulong capacity = TiB, ulong used = 0) =>
        Enumerable.Range(0, nodes).SelectMany(n => Enumerable.Range(0, disksPerNode).Select(d =>
            new PlacementCandidate($"n{n}-d{d}", $"n{n}", "", "", capacity, used, DiskHealth.Active))).ToList();

    private static ShardSetChooser Chooser(int seed = 42) => new(new ChooserOptions(), new Random(seed));

    [Fact]
    public void ShardSetChooser_Choose_StatisticalSpreadOverManyPlacements()
    {
        var disks = Cluster(nodes: 6, disksPerNode: 2);
        var chooser = Chooser();
        var counts = disks.ToDictionary(d => d.DiskId, _ => 0);
        const int placements = 100_000;
        const int width = 4;
        for (var i = 0; i < placements; i++)
        {
            var set = chooser.Choose(disks, ShardSetRequest.Of(width));
            Assert.Equal(width, set.Count);
            Assert.Equal(width, set.Select(d => d.NodeId).Distinct().Count());
            foreach (var d in set)
            {
                counts[d.DiskId]++;
            }
        }

        // Uniform expectation: 100k * 4 / 12 = 33,333 per disk; binomial sigma is ~150, so 3% is > 6 sigma.
        var expected = (double)placements * width / disks.Count;
        foreach (var (disk, count) in counts)
        {
            Assert.InRange(count, expected * 0.97, expected * 1.03);
        }
    }

    [Fact]
    public void ShardSetChooser_Choose_NeverTwoShardsInOneNodeWhenNodesSuffice()
    {
        var disks = Cluster(nodes: 6, disksPerNode: 4);
        var chooser = Chooser(7);
        for (var i = 0; i < 10_000; i++)
        {
            var set = chooser.Choose(disks, ShardSetRequest.Of(6));
            Assert.Equal(6, set.Select(d => d.NodeId).Distinct().Count());
        }
    }

    [Fact]
    public void ShardSetChooser_Choose_FallsBackToDistinctDisksSpreadOverNodes()
    {
        // 3 nodes, 6 shards: two per node is the best spread, never three on one.
        var disks = Cluster(nodes: 3, disksPerNode: 4);
        var chooser = Chooser(3);
        for (var i = 0; i < 2_000; i++)
        {
            var set = chooser.Choose(disks, ShardSetRequest.Of(6));
            Assert.Equal(6, set.Select(d => d.DiskId).Distinct().Count());
            Assert.All(set.GroupBy(d => d.NodeId), g => Assert.Equal(2, g.Count()));
        }
    }

    [Fact]
    public void ShardSetChooser_Choose_DistinctRacksWhenLabelled()
    {
        // 4 racks of 2 nodes each: a set of 4 takes one disk per rack, even though 8 nodes are available.
        var disks = Enumerable.Range(0, 8).SelectMany(n => Enumerable.Range(0, 2).Select(d =>
            new PlacementCandidate($"n{n}-d{d}", $"n{n}", "z1", $"r{n / 2}", TiB, 0, DiskHealth.Active))).ToList();
        var chooser = Chooser(5);
        for (var i = 0; i < 2_000; i++)
        {
            var set = chooser.Choose(disks, ShardSetRequest.Of(4));
            Assert.Equal(4, set.Select(d => d.Rack).Distinct().Count());
        }
    }

    [Fact]
    public void ShardSetChooser_Choose_SpreadsOverZonesEvenWhenTooFewForDistinct()
    {
        // 2 zones x 3 nodes, 4 shards: distinct nodes (hard), 2 per zone (soft, balanced).
        var disks = Enumerable.Range(0, 6).Select(n =>
            new PlacementCandidate($"d{n}", $"n{n}", $"z{n % 2}", "", TiB, 0, DiskHealth.Active)).ToList();
        var set = Chooser(9).Choose(disks, ShardSetRequest.Of(4));
        Assert.All(set.GroupBy(d => d.Zone), g => Assert.Equal(2, g.Count()));
    }

    [Fact]
    public void ShardSetChooser_Choose_WeightsByFreeSpace()
    {
        // Same node layout; disk "n0-d0" has three times the free space of every other disk.
        var disks = Cluster(nodes: 8, disksPerNode: 1, capacity: 4 * TiB, used: 3 * TiB);
        disks[0] = disks[0] with { UsedBytes = 1 * TiB };
        var chooser = Chooser(11);
        var roomy = 0;
        var other = 0;
        for (var i = 0; i < 20_000; i++)
        {
            foreach (var d in chooser.Choose(disks, ShardSetRequest.Of(1)))
            {
                if (d.DiskId == disks[0].DiskId)
                {
                    roomy++;
                }
                else if (d.DiskId == disks[1].DiskId)
                {
                    other++;
                }
            }
        }

        // Weights 3:1 over a total of 10: 6,000 vs 2,000 expected.
        Assert.InRange((double)roomy / other, 2.6, 3.4);
    }

    [Theory]
    [InlineData(DiskHealth.Failed)]
    [InlineData(DiskHealth.Offline)]
    [InlineData(DiskHealth.Full)]
    [InlineData(DiskHealth.Draining)]
    public void ShardSetChooser_Choose_NeverPicksUnavailableDisks(DiskHealth health)
    {
        var disks = Cluster(nodes: 8, disksPerNode: 1);
        disks[2] = disks[2] with { Health = health };
        disks[5] = disks[5] with { Health = health };
        var chooser = Chooser(13);
        for (var i = 0; i < 5_000; i++)
        {
            var set = chooser.Choose(disks, ShardSetRequest.Of(6));
            Assert.DoesNotContain(set, d => d.DiskId == disks[2].DiskId || d.DiskId == disks[5].DiskId);
        }
    }

    [Fact]
    public void ShardSetChooser_Choose_NeverPicksExcludedDisks()
    {
        var disks = Cluster(nodes: 8, disksPerNode: 1);
        var chooser = Chooser(17);
        for (var i = 0; i < 5_000; i++)
        {
            var set = chooser.Choose(disks, ShardSetRequest.Of(6, 0, "n1-d0", "n6-d0"));
            Assert.DoesNotContain(set, d => d.DiskId is "n1-d0" or "n6-d0");
        }
    }

    [Fact]
    public void ShardSetChooser_Choose_NeverPicksDisksWithoutRoom()
    {
        var disks = Cluster(nodes: 8, disksPerNode: 1, capacity: 10UL << 30);
        disks[3] = disks[3] with { UsedBytes = (10UL << 30) - (100UL << 20) }; // 100 MiB free: not enough for 64 MiB + reserve
        var chooser = Chooser(19);
        for (var i = 0; i < 5_000; i++)
        {
            var set = chooser.Choose(disks, ShardSetRequest.Of(6, shardSizeHint: 64UL << 20));
            Assert.DoesNotContain(set, d => d.DiskId == disks[3].DiskId);
        }
    }

    [Fact]
    public void ShardSetChooser_Choose_TooFewActiveDisksIsNotEnoughDisks()
    {
        var disks = Cluster(nodes: 5, disksPerNode: 1);
        disks[0] = disks[0] with { Health = DiskHealth.Offline };
        var e = Assert.Throws<PlacementException>(() => Chooser().Choose(disks, ShardSetRequest.Of(5)));
        Assert.Equal(PlacementFailure.NotEnoughDisks, e.Failure);
        Assert.Contains("need 5 disks", e.Message, StringComparison.Ordinal);
        Assert.Contains("1 offline", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ShardSetChooser_Choose_TooFewDisksWithRoomIsNotEnoughSpace()
    {
        var disks = Cluster(nodes: 6, disksPerNode: 1, capacity: 1UL << 30);
        var e = Assert.Throws<PlacementException>(() =>
            Chooser().Choose(disks, ShardSetRequest.Of(6, shardSizeHint: 2UL << 30)));
        Assert.Equal(PlacementFailure.NotEnoughSpace, e.Failure);
    }

    [Fact]
    public void ShardSetChooser_Choose_ZeroCountIsInvalid()
    {
        var e = Assert.Throws<PlacementException>(() => Chooser().Choose(Cluster(3, 1), ShardSetRequest.Of(0)));
        Assert.Equal(PlacementFailure.InvalidRequest, e.Failure);
    }

    [Fact]
    public void ShardSetChooser_Choose_AvoidsHotDisks()
    {
        var disks = Cluster(nodes: 12, disksPerNode: 1).Select(d => d with { Heat = 20 }).ToList();
        disks[4] = disks[4] with { Heat = 300, Hot = true };
        var chooser = Chooser(23);
        var hot = 0;
        var typical = 0;
        const int placements = 20_000;
        for (var i = 0; i < placements; i++)
        {
            foreach (var d in chooser.Choose(disks, ShardSetRequest.Of(4)))
            {
                hot += d.DiskId == disks[4].DiskId ? 1 : 0;
                typical += d.DiskId == disks[0].DiskId ? 1 : 0;
            }
        }

        // Uniform would give each disk a third of the sets; the hot one wins a draw only against itself.
        Assert.InRange(typical, placements / 3 * 0.9, placements / 3 * 1.2);
        Assert.True(hot < typical / 5, $"hot disk chosen {hot} times vs {typical} for a cool one");
    }

    [Fact]
    public void ShardSetChooser_Choose_SmallHeatDifferencesDoNotSkew()
    {
        // Noise-level heat differences must not starve the slightly warmer disk.
        var disks = Cluster(nodes: 6, disksPerNode: 1).Select((d, i) => d with { Heat = 10 + i }).ToList();
        var chooser = Chooser(29);
        var counts = disks.ToDictionary(d => d.DiskId, _ => 0);
        for (var i = 0; i < 12_000; i++)
        {
            counts[chooser.Choose(disks, ShardSetRequest.Of(1))[0].DiskId]++;
        }

        Assert.All(counts.Values, c => Assert.InRange(c, 1_600, 2_400));
    }

    [Fact]
    public void ShardSetChooser_Choose_SameSeedSameChoice()
    {
        var disks = Cluster(nodes: 6, disksPerNode: 2);
        var a = Chooser(99).Choose(disks, ShardSetRequest.Of(6)).Select(d => d.DiskId);
        var b = Chooser(99).Choose(disks, ShardSetRequest.Of(6)).Select(d => d.DiskId);
        Assert.Equal(a, b);
    }
}
