using System.Xml.Linq;

namespace Cairn.HeatSim.Tests;

/// <summary>
/// The simulation's claims, checked on small seeded runs: if a change to the model or to the product's chooser
/// breaks the argument, these fail.
/// </summary>
public sealed class SimulationTests
{
    private static readonly DiskLoadStudy.Options Small = new(
        new Cluster(Nodes: 20, DisksPerNode: 4, DiskIops: 120), Tenants: 120, ObjectsPerTenant: 20, K: 4, M: 2, Seconds: 120, Seed: 3);

    [Fact]
    public void Aggregation_ManyTenantsAreSmootherThanFew()
    {
        var result = AggregationStudy.Run([10, 100, 1000], seconds: 1200, seed: 11);
        var p99ToMean = result.Rows.Select(r => r.P99ToMean).ToList();
        Assert.True(p99ToMean[0] > p99ToMean[1] && p99ToMean[1] > p99ToMean[2], string.Join(", ", p99ToMean));
        Assert.InRange(result.Rows[2].P99ToMean, 1.0, 2.5);
    }

    [Fact]
    public void BurstyWorkload_LongRunRateMatchesDutyCycle()
    {
        var random = new Random(5);
        var workload = BurstyWorkload.Create(random, burstRate: 100, dutyCycle: 0.1, meanBurstSeconds: 10);
        var total = 0L;
        const int seconds = 200_000;
        for (var t = 0; t < seconds; t++)
        {
            total += workload.Step(random);
        }

        Assert.InRange(total / (double)seconds, 9.0, 11.0);
    }

    [Fact]
    public void DiskLoad_NarrowPlacementMakesHotSpotsThatWidePlacementSpreads()
    {
        var narrow = DiskLoadStudy.Run(Small, DiskLoadStudy.Scenarios.Single(s => s.Name == "narrow")).Row;
        var wide = DiskLoadStudy.Run(Small, DiskLoadStudy.Scenarios.Single(s => s.Name == "wide-random")).Row;

        Assert.Equal(narrow.Reads, wide.Reads);
        Assert.Equal(narrow.MeanUtilisation, wide.MeanUtilisation, 6);
        Assert.True(narrow.MaxToMean > 2 * wide.MaxToMean, $"narrow {narrow.MaxToMean:F2} vs wide {wide.MaxToMean:F2}");
        Assert.True(narrow.P99Ms > wide.P99Ms, $"narrow p99 {narrow.P99Ms:F1} vs wide {wide.P99Ms:F1}");
    }

    [Fact]
    public void DiskLoad_SteeringCutsTheTail()
    {
        var plain = DiskLoadStudy.Run(Small, DiskLoadStudy.Scenarios.Single(s => s.Name == "heat-aware")).Row;
        var steered = DiskLoadStudy.Run(Small, DiskLoadStudy.Scenarios.Single(s => s.Name == "heat-aware+steering")).Row;

        Assert.True(steered.P99Ms < plain.P99Ms, $"steered p99 {steered.P99Ms:F1} vs plain {plain.P99Ms:F1}");
        Assert.True(steered.MaxUtilisation <= plain.MaxUtilisation + 1e-9);
    }

    [Fact]
    public void Spread_ProductChooserIsNearUniformAndNeverDoublesANode()
    {
        var spread = SpreadStudy.Run(new Cluster(Nodes: 12, DisksPerNode: 2, DiskIops: 120), objects: 20_000, width: 6, seed: 1);
        Assert.False(spread.DomainViolation);
        Assert.InRange(spread.MaxToMean, 1.0, 1.1);
        Assert.Equal(20_000 * 6, spread.Mean * spread.Disks, 3);
    }

    [Fact]
    public void LineChart_WritesAnSvgWithOneLinePerSeries()
    {
        var path = Path.Combine(Path.GetTempPath(), $"chart-{Guid.NewGuid():N}.svg");
        try
        {
            new LineChart("t", "x", "y") { LogX = true }
                .Add("a", [(1, 1), (10, 2), (100, 3)])
                .Add("b", [(1, 3), (100, 1)])
                .Save(path);
            var svg = XDocument.Load(path);
            XNamespace ns = "http://www.w3.org/2000/svg";
            var lines = svg.Descendants(ns + "polyline").ToList();
            Assert.Equal(2, lines.Count);
            Assert.Equal(3, lines[0].Attribute("points")!.Value.Split(' ').Length);
            Assert.Contains(svg.Descendants(ns + "text"), t => t.Value == "b");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
