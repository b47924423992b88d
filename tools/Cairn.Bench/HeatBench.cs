using System.Globalization;
using Cairn.DevStack;
using Cairn.Placement.V1;
using Cairn.Storage.V1;
using Grpc.Net.Client;
using NamespaceApi = Cairn.Namespace.V1.Namespace;

namespace Cairn.Bench;

/// <summary>
/// GETs of erasure-coded objects while one disk under them is slowed, with read steering and hedging on and off. Both
/// stacks run side by side with the same objects and the same slowed disk, and the workload alternates between them
/// in short slices (ABBA order) for the warm-up and the measurement: on a shared machine whose load moves from second
/// to second, both sides see the same load, so the ratio of p99s is what steering buys, not what the neighbours did.
/// </summary>
public static class HeatBench
{
    public sealed record Result(string Mode, Report.Row Row, string SlowDisk, int ShardsOnSlowDisk);

    public static async Task<(Result On, Result Off)> RunAsync(
        long size, int concurrency, TimeSpan duration, TimeSpan warmup, TimeSpan slice, int latencyMs, int objects, CancellationToken ct)
    {
        await using var on = await Side.StartAsync(steering: true, size, concurrency, latencyMs, objects, ct);
        await using var off = await Side.StartAsync(steering: false, size, concurrency, latencyMs, objects, ct);
        for (var warmed = TimeSpan.Zero; warmed < warmup; warmed += slice)
        {
            await on.RunSliceAsync(slice, measured: false, ct);
            await off.RunSliceAsync(slice, measured: false, ct);
        }

        var rounds = Math.Max(1, (int)Math.Ceiling(duration / slice));
        for (var round = 0; round < rounds; round++)
        {
            var (first, second) = round % 2 == 0 ? (on, off) : (off, on);
            await first.RunSliceAsync(slice, measured: true, ct);
            await second.RunSliceAsync(slice, measured: true, ct);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round + 1}/{rounds}: on p99 {on.Stats.Percentile(99):F1} ms, off p99 {off.Stats.Percentile(99):F1} ms"));
        }

        return (on.Result(size, concurrency), off.Result(size, concurrency));
    }

    /// <summary>One stack (steering on or off) with its objects in place, its busiest disk slowed, and its measured GETs.</summary>
    private sealed class Side : IAsyncDisposable
    {
        private readonly DirectoryInfo _dir;
        private readonly LocalStack _stack;
        private readonly Workload _workload;
        private readonly bool _steering;
        private TimeSpan _elapsed;

        private Side(DirectoryInfo dir, LocalStack stack, Workload workload, bool steering)
        {
            _dir = dir;
            _stack = stack;
            _workload = workload;
            _steering = steering;
        }

        public OpStats Stats { get; } = Workload.NewStats()[Operation.Get];

        public string SlowDisk { get; private set; } = "";

        public int ShardsOnSlowDisk { get; private set; }

        public static async Task<Side> StartAsync(bool steering, long size, int concurrency, int latencyMs, int objects, CancellationToken ct)
        {
            var dir = Directory.CreateTempSubdirectory("cairn-heat-");
            var stack = await LocalStack.StartAsync(new StackOptions
            {
                S3Port = 0,
                DataDir = dir.FullName,
                Extra = new Dictionary<string, string>
                {
                    ["Cairn:ReadSteering:Enabled"] = steering ? "true" : "false",
                    ["Cairn:ReadSteering:HedgeEnabled"] = steering ? "true" : "false",
                },
            }, Console.Error, ct);
            var workload = new Workload(new WorkloadOptions
            {
                Endpoint = new Uri(stack.S3Endpoint), AccessKey = stack.Options.AccessKey, SecretKey = stack.Options.SecretKey,
                Bucket = "cairn-heat", Op = Operation.Get, Sizes = [size], Concurrency = concurrency, Objects = objects, Progress = false,
            });
            var side = new Side(dir, stack, workload, steering);
            await workload.PrepareAsync(ct);
            (side.SlowDisk, side.ShardsOnSlowDisk) = await SlowTheBusiestDiskAsync(stack, "cairn-heat", objects, latencyMs, ct);
            return side;
        }

        public async Task RunSliceAsync(TimeSpan slice, bool measured, CancellationToken ct)
        {
            var into = measured ? new Dictionary<Operation, OpStats> { [Operation.Get] = Stats } : Workload.NewStats();
            var elapsed = await _workload.MeasureAsync(slice, into, progress: false, ct);
            if (measured)
            {
                _elapsed += elapsed;
            }
        }

        public Result Result(long size, int concurrency)
        {
            var mode = _steering ? "steering+hedging" : "plain";
            return new Result(mode, Report.ToRow(mode, Stats, size, concurrency, _elapsed), SlowDisk, ShardsOnSlowDisk);
        }

        public async ValueTask DisposeAsync()
        {
            _workload.Dispose();
            await _stack.DisposeAsync();
            _dir.Delete(recursive: true);
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
