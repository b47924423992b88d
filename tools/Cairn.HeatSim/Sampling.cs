namespace Cairn.HeatSim;

/// <summary>Random draws the simulation needs, all from one seeded source so a run replays exactly.</summary>
internal static class Sampling
{
    /// <summary>Poisson count: exact (Knuth) for small means, normal approximation above 30 where it is accurate.</summary>
    public static int Poisson(Random random, double mean)
    {
        if (mean <= 0)
        {
            return 0;
        }

        if (mean > 30)
        {
            var n = mean + Math.Sqrt(mean) * Normal(random);
            return Math.Max(0, (int)Math.Round(n));
        }

        var limit = Math.Exp(-mean);
        var count = 0;
        var product = random.NextDouble();
        while (product > limit)
        {
            count++;
            product *= random.NextDouble();
        }

        return count;
    }

    public static double Normal(Random random)
    {
        // Box-Muller; 1 - u keeps the logarithm finite.
        var u = 1.0 - random.NextDouble();
        var v = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }

    /// <summary>Pareto-distributed intensity with the given mean: a few tenants are far busier than most.</summary>
    public static double Pareto(Random random, double mean, double shape = 1.5)
    {
        var scale = mean * (shape - 1) / shape;
        return scale / Math.Pow(1.0 - random.NextDouble(), 1.0 / shape);
    }

    public static double Percentile(List<double> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return 0;
        }

        var index = (int)Math.Ceiling(p * sorted.Count) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Count - 1)];
    }
}
