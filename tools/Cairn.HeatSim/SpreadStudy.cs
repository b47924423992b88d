using System.Globalization;
using Cairn.Placement.Choice;

namespace Cairn.HeatSim;

/// <summary>How evenly Cairn's chooser spreads shards: per-disk shard counts after many placements.</summary>
internal static class SpreadStudy
{
    public sealed record Result(int Objects, int Disks, double Mean, int Max, int Min, bool DomainViolation)
    {
        public double MaxToMean => Max / Mean;
    }

    public static Result Run(Cluster cluster, int objects, int width, int seed)
    {
        var chooser = new ShardSetChooser(new ChooserOptions(), new Random(seed));
        var candidates = Enumerable.Range(0, cluster.Disks).Select(d => cluster.Candidate(d, 0)).ToList();
        var counts = new int[cluster.Disks];
        var violation = false;
        for (var i = 0; i < objects; i++)
        {
            var set = chooser.Choose(candidates, ShardSetRequest.Of(width));
            violation |= set.Select(c => c.NodeId).Distinct(StringComparer.Ordinal).Count() != set.Count;
            foreach (var c in set)
            {
                counts[int.Parse(c.DiskId, CultureInfo.InvariantCulture)]++;
            }
        }

        return new Result(objects, cluster.Disks, counts.Average(), counts.Max(), counts.Min(), violation);
    }
}
