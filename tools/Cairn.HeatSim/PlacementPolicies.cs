using System.Globalization;
using Cairn.Placement.Choice;

namespace Cairn.HeatSim;

/// <summary>How the shards of each tenant's objects are laid on disks.</summary>
internal enum PlacementPolicy
{
    /// <summary>Each tenant gets one fixed set of k+m disks (a volume), all its objects there.</summary>
    Narrow,
    /// <summary>Each object on its own k+m disks, uniformly at random over distinct nodes.</summary>
    WideRandom,
    /// <summary>Each object through Cairn's own ShardSetChooser, fed the heat already placed on every disk.</summary>
    HeatAware,
}

internal static class Placements
{
    /// <summary>Shard disks per object, per tenant: result[tenant][object] = k+m disk indexes.</summary>
    public static int[][][] Place(
        PlacementPolicy policy, Cluster cluster, IReadOnlyList<BurstyWorkload> tenants, int objectsPerTenant, int k, int m, Random random)
    {
        var width = k + m;
        var heat = new double[cluster.Disks];
        // The simulation knows each disk's heat exactly, so the tolerance the product needs against noisy
        // measured heat is turned down; the choosing rule itself is the product's.
        var chooser = new ShardSetChooser(new ChooserOptions { HeatTolerance = 0.02, HeatFloor = 0 }, random);
        var result = new int[tenants.Count][][];
        for (var t = 0; t < tenants.Count; t++)
        {
            // Heat an object brings to each of its disks, as the heat monitor would come to see it.
            var objectHeat = tenants[t].MeanRate / objectsPerTenant;
            var volume = policy == PlacementPolicy.Narrow ? RandomDistinctNodes(cluster, width, random) : null;
            result[t] = new int[objectsPerTenant][];
            for (var o = 0; o < objectsPerTenant; o++)
            {
                var disks = policy switch
                {
                    PlacementPolicy.Narrow => volume!,
                    PlacementPolicy.WideRandom => RandomDistinctNodes(cluster, width, random),
                    _ => chooser.Choose(
                            Enumerable.Range(0, cluster.Disks).Select(d => cluster.Candidate(d, heat[d])).ToList(),
                            ShardSetRequest.Of(width))
                        .Select(c => int.Parse(c.DiskId, CultureInfo.InvariantCulture)).ToArray(),
                };
                // Unsteered reads hit the k data shards, so that is where the heat lands.
                foreach (var d in disks.Take(k))
                {
                    heat[d] += objectHeat;
                }

                result[t][o] = disks;
            }
        }

        return result;
    }

    private static int[] RandomDistinctNodes(Cluster cluster, int width, Random random)
    {
        var nodes = Enumerable.Range(0, cluster.Nodes).OrderBy(_ => random.Next()).Take(width);
        return nodes.Select(n => n * cluster.DisksPerNode + random.Next(cluster.DisksPerNode)).ToArray();
    }
}
