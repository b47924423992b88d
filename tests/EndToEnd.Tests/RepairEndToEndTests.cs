using System.Security.Cryptography;
using Cairn.BackgroundOps.V1;
using Cairn.Placement.V1;
using Cairn.Storage.V1;
using DiskState = Cairn.Placement.V1.DiskState;

namespace Cairn.EndToEnd.Tests;

/// <summary>A disk fails for real (every I/O errors) and repair rebuilds its shards elsewhere over gRPC.</summary>
[Collection(StackCollection.Name)]
public sealed class RepairEndToEndTests(StackFixture stack)
{
    [Fact]
    public async Task Repair_FailedDisk_ShardsRebuiltElsewhereAndObjectsReadBack()
    {
        using var s3 = stack.Client();
        var bucket = await ObjectRoundTripTests.NewBucketAsync(s3);
        var objects = new Dictionary<string, byte[]>();
        foreach (var size in new[] { 1, 4096, 1024 * 1024 + 3, 3 * 1024 * 1024 + 5, 5 * 1024 * 1024 })
        {
            var key = $"obj-{size}";
            objects[key] = RandomNumberGenerator.GetBytes(size);
            await s3.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(objects[key]) });
        }

        // The disk holding the most of these objects' shards fails.
        var layouts = await LayoutsAsync(bucket, objects.Keys);
        var failed = layouts.Values.SelectMany(l => l).GroupBy(s => s.DiskId).OrderByDescending(g => g.Count()).First().Key;
        var onFailed = layouts.Values.SelectMany(l => l).Count(s => s.DiskId == failed);
        var map = await stack.DiskMapAsync();
        var node = map.Disks.Single(d => d.DiskId == failed).Endpoint;
        using var nodeChannel = Grpc.Net.Client.GrpcChannel.ForAddress(node);
        var storage = new Storage.V1.StorageNode.StorageNodeClient(nodeChannel);
        using var placementChannel = stack.Channel("placement");
        var placement = new Placement.V1.Placement.PlacementClient(placementChannel);
        await storage.InjectFaultAsync(new InjectFaultRequest { DiskId = failed, ErrorRate = 1.0 });
        await placement.SetDiskStateAsync(new SetDiskStateRequest { DiskId = failed, State = DiskState.Failed });
        try
        {
            using var opsChannel = stack.Channel("background-ops");
            var ops = new BackgroundOps.V1.BackgroundOps.BackgroundOpsClient(opsChannel);
            // The periodic pass may take some of the shards first; the triggered pass starts after it and finishes the rest.
            var run = await ops.TriggerJobAsync(new TriggerJobRequest { Kind = JobKind.Repair });
            Assert.Equal("", run.Status.LastError);

            var after = await LayoutsAsync(bucket, objects.Keys);
            foreach (var (key, shards) in after)
            {
                Assert.DoesNotContain(shards, s => s.DiskId == failed);
                Assert.Equal(shards.Count, shards.Select(s => s.DiskId).Distinct().Count());
                Assert.Equal(layouts[key].Count, shards.Count);
            }

            foreach (var (key, data) in objects)
            {
                using var get = await s3.GetObjectAsync(bucket, key);
                Assert.Equal(data, await ObjectRoundTripTests.ReadAllAsync(get.ResponseStream));
            }

            var status = await ops.GetStatusAsync(new GetStatusRequest());
            var progress = status.Repairs.Single(r => r.DiskId == failed);
            Assert.True(progress.Finished);
            Assert.Equal("failed", progress.Reason);
            Assert.Equal(0UL, progress.ShardsFailed);
            Assert.True(onFailed > 0);
        }
        finally
        {
            await storage.InjectFaultAsync(new InjectFaultRequest { DiskId = failed, ErrorRate = 0 });
            await placement.SetDiskStateAsync(new SetDiskStateRequest { DiskId = failed, State = DiskState.Active });
        }
    }

    private async Task<Dictionary<string, List<Common.V1.ShardLocation>>> LayoutsAsync(string bucket, IEnumerable<string> keys)
    {
        var result = new Dictionary<string, List<Common.V1.ShardLocation>>();
        foreach (var key in keys)
        {
            result[key] = await stack.ShardsOfAsync(bucket, key);
        }

        return result;
    }
}
