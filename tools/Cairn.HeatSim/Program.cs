using System.Globalization;
using System.Text.Json;
using Cairn.HeatSim;

// Usage: heatsim [--out docs/images/heatsim] [--json bench-results/heatsim.json] [--seconds 600] [--objects 100000] [--seed 7]
// Reproduces the brief's section 1 with numbers and pictures: bursty tenants smooth in aggregate; narrow placement
// turns a tenant's burst into a hot spot, wide and heat-aware placement plus read steering spread it.
var flags = ParseFlags(args);
var outDir = flags.GetValueOrDefault("out") ?? Path.Combine("docs", "images", "heatsim");
var jsonPath = flags.GetValueOrDefault("json") ?? Path.Combine("bench-results", "heatsim.json");
var seconds = int.Parse(flags.GetValueOrDefault("seconds") ?? "600", CultureInfo.InvariantCulture);
var spreadObjects = int.Parse(flags.GetValueOrDefault("objects") ?? "100000", CultureInfo.InvariantCulture);
var seed = int.Parse(flags.GetValueOrDefault("seed") ?? "7", CultureInfo.InvariantCulture);
var inv = CultureInfo.InvariantCulture;

// 1. Aggregation.
var aggregation = AggregationStudy.Run([1, 10, 100, 1000, 10000], Math.Max(seconds, 3600), seed);
Console.WriteLine("aggregate demand of bursty tenants (each: 2% duty cycle, 200 req/s bursts of ~20 s)");
Console.WriteLine($"{"tenants",8} {"mean/s",10} {"p99/mean",9} {"peak/mean",10}");
foreach (var r in aggregation.Rows)
{
    Console.WriteLine(string.Create(inv, $"{r.Workloads,8} {r.Mean,10:F1} {r.P99ToMean,9:F2} {r.PeakToMean,10:F2}"));
}

new LineChart("Bursty tenants smooth in aggregate", "tenants (log)", "demand / mean") { LogX = true }
    .Add("peak / mean", aggregation.Rows.Select(r => ((double)r.Workloads, r.PeakToMean)).ToList())
    .Add("p99 / mean", aggregation.Rows.Select(r => ((double)r.Workloads, r.P99ToMean)).ToList())
    .Save(Path.Combine(outDir, "aggregation.svg"));
var seriesChart = new LineChart("Demand over time, normalised to its mean", "second", "demand / mean");
foreach (var n in new[] { 1, 100, 10000 })
{
    seriesChart.Add($"{n} tenants", aggregation.NormalisedSeries[n].Take(300).Select((y, x) => ((double)x, y)).ToList());
}

seriesChart.Save(Path.Combine(outDir, "aggregation-series.svg"));

// 2. Disk load under placement policies and steering.
var options = new DiskLoadStudy.Options(new Cluster(Nodes: 40, DisksPerNode: 6, DiskIops: 120), Tenants: 300, ObjectsPerTenant: 40, K: 4, M: 2, Seconds: seconds, Seed: seed);
Console.WriteLine();
Console.WriteLine(string.Create(inv, $"per-disk load: {options.Cluster.Disks} disks x {options.Cluster.DiskIops} IOPS, {options.Tenants} tenants (Pareto intensities, 5% duty), RS {options.K}+{options.M}, {seconds} s"));
Console.WriteLine($"{"scenario",-20} {"reads",9} {"util mean",9} {"util max",9} {"max/mean",9} {"p50 ms",9} {"p99 ms",9} {"p99.9 ms",9}");
var loadRows = new List<DiskLoadStudy.Row>();
var loadChart = new LineChart("Per-disk utilisation, disks sorted hottest first", "disk rank", "utilisation") { LogY = false };
foreach (var scenario in DiskLoadStudy.Scenarios)
{
    var (row, utilisation) = DiskLoadStudy.Run(options, scenario);
    loadRows.Add(row);
    Console.WriteLine(string.Create(inv,
        $"{row.Scenario,-20} {row.Reads,9} {row.MeanUtilisation,9:P1} {row.MaxUtilisation,9:P1} {row.MaxToMean,9:F2} {row.P50Ms,9:F1} {row.P99Ms,9:F1} {row.P999Ms,9:F1}"));
    loadChart.Add(scenario.Name, utilisation.OrderByDescending(u => u).Select((u, i) => ((double)i, u)).ToList());
}

loadChart.Save(Path.Combine(outDir, "disk-load.svg"));

// 3. The product chooser's spread.
var spread = SpreadStudy.Run(new Cluster(Nodes: 12, DisksPerNode: 2, DiskIops: 120), spreadObjects, width: 6, seed);
Console.WriteLine();
Console.WriteLine(string.Create(inv,
    $"placement spread {spreadObjects / 1000}k objects max/mean={spread.MaxToMean:F3} (disks={spread.Disks} min={spread.Min} max={spread.Max} mean={spread.Mean:F0} two-shards-per-node={spread.DomainViolation})"));
Console.WriteLine($"plots written to {outDir}");

Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(jsonPath))!);
File.WriteAllText(jsonPath, JsonSerializer.Serialize(new { aggregation = aggregation.Rows, diskLoad = loadRows, spread }, new JsonSerializerOptions { WriteIndented = true }));
return 0;

static Dictionary<string, string> ParseFlags(string[] args)
{
    var d = new Dictionary<string, string>(StringComparer.Ordinal);
    for (var i = 0; i < args.Length; i++)
    {
        var key = args[i].TrimStart('-');
        d[key] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
    }

    return d;
}
