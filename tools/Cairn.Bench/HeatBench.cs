using System.Globalization;
using Cairn.DevStack;
using Cairn.Placement.V1;
using Cairn.Storage.V1;
using Grpc.Net.Client;
using NamespaceApi = Cairn.Namespace.V1.Namespace;

namespace Cairn.Bench;

/// <summary>
/// GETs of erasure-coded objects while one disk under them is slowed: once with read steering and hedging on,
/// once off, each on a fresh stack with the same workload, so the ratio of p99s is what steering buys.
/// </summary>
public static class HeatBench
{
    public sealed record Result(string Mode, Report.Row Row, string SlowDisk, int ShardsOnSlowDisk);

    public static async Task<Result> RunAsync(bool steering, long size, int concurrency, TimeSpan duration, TimeSpan warmup, int latencyMs, int objects, CancellationToken ct)
    {
        var dir = Directory.CreateTempSubdirectory("cairn-heat-");
        try
        {
            await using var stack = await LocalStack.StartAsync(new StackOptions
            {
                S3Port = 0,
                DataDir = dir.FullName,
                Extra = new Dictionary<string, string>
                {
                    ["Cairn:ReadSteering:Enabled"] = steering ? "true" : "false",
                    ["Cairn:ReadSteering:HedgeEnabled"] = steering ? "true" : "false",
                },
            }, Console.Error, ct);
            string slowDisk = "";
            var onSlow = 0;
            var workload = new WorkloadOptions
            {
                Endpoint = new Uri(stack.S3Endpoint), AccessKey = stack.Options.AccessKey, SecretKey = stack.Options.SecretKey,
                Bucket = "cairn-heat", Op = Operation.Get, Sizes = [size], Concurrency = concurrency, Duration = duration, Objects = objects, Warmup = warmup,
                BeforeMeasuring = async c => (slowDisk, onSlow) = await SlowTheBusiestDiskAsync(stack, "cairn-heat", objects, latencyMs, c),
            };
            using var run = new Workload(workload);
            var stats = (await run.RunAsync(ct)).Single(s => s.Name == "GET");
            var mode = steering ? "steering+hedging" : "plain";
            return new Result(mode, Report.ToRow(mode, stats, size, concurrency, run.Elapsed), slowDisk, onSlow);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>Finds the disk holding the most shards of the benchmark's objects and adds latency to every I/O on it.</summary>
    private static async Task<(string Disk, int Shards)> SlowTheBusiestDiskAsync(LocalStack stack, string bucket, int objects, int latencyMs, CancellationToken ct)
    {
        using var nsChannel = GrpcChannel.ForAddress(stack.Service("namespace").GrpcUrl);
        var ns = new NamespaceApi.NamespaceClient(nsChannel);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < objects; i++)
        {
            var version = await ns.GetObjectAsync(new Namespace.V1.GetObjectRequest { Bucket = bucket, Key = $"obj/{i:D6}" }, cancellationToken: ct);
            foreach (var shard in version.Parts.SelectMany(p => p.Layout.Shards))
            {
                counts[shard.DiskId] = counts.GetValueOrDefault(shard.DiskId) + 1;
            }
        }

        var (disk, shards) = counts.MaxBy(kv => kv.Value);
        using var placementChannel = GrpcChannel.ForAddress(stack.Service("placement").GrpcUrl);
        var map = await new Placement.V1.Placement.PlacementClient(placementChannel).GetDiskMapAsync(new GetDiskMapRequest(), cancellationToken: ct);
        using var nodeChannel = GrpcChannel.ForAddress(map.Disks.Single(d => d.DiskId == disk).Endpoint);
        await new Storage.V1.StorageNode.StorageNodeClient(nodeChannel)
            .InjectFaultAsync(new InjectFaultRequest { DiskId = disk, LatencyMs = (uint)latencyMs }, cancellationToken: ct);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"slowed {disk} by {latencyMs} ms ({shards} shards of {objects} objects on it)"));
        return (disk, shards);
    }
}
