namespace Cairn.HeatSim;

/// <summary>
/// The first half of the brief's argument: each tenant's demand is bursty (peak far above mean), but the sum of
/// many independent tenants is smooth, so a fleet sized for the aggregate mean serves everyone's bursts.
/// </summary>
internal static class AggregationStudy
{
    public sealed record Row(int Workloads, double Mean, double P99, double Peak)
    {
        public double PeakToMean => Mean == 0 ? 0 : Peak / Mean;
        public double P99ToMean => Mean == 0 ? 0 : P99 / Mean;
    }

    public sealed record Result(IReadOnlyList<Row> Rows, IReadOnlyDictionary<int, double[]> NormalisedSeries);

    public static Result Run(IReadOnlyList<int> counts, int seconds, int seed)
    {
        var rows = new List<Row>();
        var series = new Dictionary<int, double[]>();
        foreach (var n in counts)
        {
            var random = new Random(seed + n);
            var workloads = Enumerable.Range(0, n)
                .Select(_ => BurstyWorkload.Create(random, burstRate: 200, dutyCycle: 0.02, meanBurstSeconds: 20))
                .ToList();
            var demand = new double[seconds];
            for (var t = 0; t < seconds; t++)
            {
                foreach (var w in workloads)
                {
                    demand[t] += w.Step(random);
                }
            }

            var mean = demand.Average();
            var sorted = demand.OrderBy(d => d).ToList();
            rows.Add(new Row(n, mean, Sampling.Percentile(sorted, 0.99), sorted[^1]));
            series[n] = demand.Select(d => mean == 0 ? 0 : d / mean).ToArray();
        }

        return new Result(rows, series);
    }
}
