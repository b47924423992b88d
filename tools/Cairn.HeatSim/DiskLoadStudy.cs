namespace Cairn.HeatSim;

/// <summary>
/// The second half of the argument: the same tenants on the same disks, under narrow, wide random and heat-aware
/// placement, with and without read steering (read the k of k+m shards whose disks have the least queued work).
/// Every disk is a FIFO queue with a fixed service time (1/IOPS); a read completes when its slowest shard does.
/// </summary>
internal static class DiskLoadStudy
{
    public sealed record Scenario(string Name, PlacementPolicy Policy, bool Steering);

    public sealed record Row(string Scenario, long Reads, double MeanUtilisation, double MaxUtilisation, double P50Ms, double P99Ms, double P999Ms)
    {
        public double MaxToMean => MeanUtilisation == 0 ? 0 : MaxUtilisation / MeanUtilisation;
    }

    public sealed record Options(Cluster Cluster, int Tenants, int ObjectsPerTenant, int K, int M, int Seconds, int Seed);

    public static readonly Scenario[] Scenarios =
    [
        new("narrow", PlacementPolicy.Narrow, false),
        new("wide-random", PlacementPolicy.WideRandom, false),
        new("heat-aware", PlacementPolicy.HeatAware, false),
        new("heat-aware+steering", PlacementPolicy.HeatAware, true),
    ];

    public static (Row Row, double[] Utilisation) Run(Options options, Scenario scenario)
    {
        var cluster = options.Cluster;
        // Same seed for every scenario: the same tenants with the same bursts, only placement and steering differ.
        var random = new Random(options.Seed);
        var tenants = Enumerable.Range(0, options.Tenants)
            .Select(_ => BurstyWorkload.Create(random, Sampling.Pareto(random, mean: 100), dutyCycle: 0.05, meanBurstSeconds: 20))
            .ToList();
        var placement = Placements.Place(scenario.Policy, cluster, tenants, options.ObjectsPerTenant, options.K, options.M, new Random(options.Seed + 1));
        var traffic = new Random(options.Seed + 2);

        var service = 1.0 / cluster.DiskIops;
        var workLeft = new double[cluster.Disks];
        var lastTouch = new double[cluster.Disks];
        var served = new long[cluster.Disks];
        var latencies = new List<double>();
        var arrivals = new List<(double At, int Tenant)>();
        var candidates = new int[options.K + options.M];
        for (var second = 0; second < options.Seconds; second++)
        {
            arrivals.Clear();
            for (var t = 0; t < tenants.Count; t++)
            {
                var n = tenants[t].Step(traffic);
                for (var i = 0; i < n; i++)
                {
                    arrivals.Add((second + traffic.NextDouble(), t));
                }
            }

            arrivals.Sort((a, b) => a.At.CompareTo(b.At));
            foreach (var (at, tenant) in arrivals)
            {
                var objects = placement[tenant];
                var shards = objects[traffic.Next(objects.Length)];
                for (var i = 0; i < shards.Length; i++)
                {
                    var d = shards[i];
                    workLeft[d] = Math.Max(0, workLeft[d] - (at - lastTouch[d]));
                    lastTouch[d] = at;
                    candidates[i] = d;
                }

                if (scenario.Steering)
                {
                    // The k coolest of k+m; ties keep data shards first (no decode when all are equal).
                    SortStableByWork(candidates, shards.Length, workLeft);
                }

                var slowest = 0.0;
                for (var i = 0; i < options.K; i++)
                {
                    var d = candidates[i];
                    workLeft[d] += service;
                    served[d]++;
                    slowest = Math.Max(slowest, workLeft[d]);
                }

                latencies.Add(slowest * 1000);
            }
        }

        latencies.Sort();
        var utilisation = served.Select(s => s / (cluster.DiskIops * options.Seconds)).ToArray();
        var row = new Row(
            scenario.Name,
            latencies.Count,
            utilisation.Average(),
            utilisation.Max(),
            Sampling.Percentile(latencies, 0.50),
            Sampling.Percentile(latencies, 0.99),
            Sampling.Percentile(latencies, 0.999));
        return (row, utilisation);
    }

    /// <summary>Insertion sort: stable, and k+m is small.</summary>
    private static void SortStableByWork(int[] disks, int count, double[] workLeft)
    {
        for (var i = 1; i < count; i++)
        {
            var d = disks[i];
            var j = i - 1;
            while (j >= 0 && workLeft[disks[j]] > workLeft[d])
            {
                disks[j + 1] = disks[j];
                j--;
            }

            disks[j + 1] = d;
        }
    }
}
