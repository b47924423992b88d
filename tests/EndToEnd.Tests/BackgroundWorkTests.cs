using Amazon.S3.Model;
using Cairn.Heat.V1;
using Cairn.Namespace.V1;
using Cairn.Storage.V1;
using Cairn.StorageNode.Client;
using PutObjectRequest = Amazon.S3.Model.PutObjectRequest;

namespace Cairn.EndToEnd.Tests;

/// <summary>What happens after the request: garbage collection of displaced shards, heat reaching the heat monitor.</summary>
[Collection(StackCollection.Name)]
public sealed class BackgroundWorkTests(StackFixture stack)
{
    [Fact]
    public async Task Overwrite_And_Delete_ShardsOfOldVersionsAreCollected()
    {
        using var s3 = stack.Client();
        var bucket = await ObjectRoundTripTests.NewBucketAsync(s3);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "gc", ContentBody = "first" });
        var firstShards = await ShardIdsAsync(bucket, "gc");
        Assert.NotEmpty(firstShards);

        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "gc", ContentBody = "second" });
        var secondShards = await ShardIdsAsync(bucket, "gc");
        Assert.Empty(firstShards.Intersect(secondShards));
        await StackFixture.Eventually(async () => !await AnyExistAsync(firstShards), TimeSpan.FromSeconds(30), "overwritten shards deleted");

        await s3.DeleteObjectAsync(bucket, "gc");
        await StackFixture.Eventually(async () => !await AnyExistAsync(secondShards), TimeSpan.FromSeconds(30), "deleted object's shards deleted");
    }

    [Fact]
    public async Task Reconciliation_FindsOrphanShardsWithoutEvents()
    {
        // A shard that no object references (a crashed PUT leaves exactly this) is found by the periodic reconciliation.
        var disk = (await stack.DiskMapAsync()).Disks[0];
        using var clients = new StorageNodeClients();
        var client = clients.Get(disk.Endpoint);
        var orphan = "orphan-" + Guid.NewGuid().ToString("N");
        await using (var writer = await ShardWriter.OpenAsync(client, disk.DiskId, orphan, 1024, CancellationToken.None))
        {
            await writer.WriteBlockAsync(new byte[100], CancellationToken.None);
            await writer.CommitAsync(CancellationToken.None);
        }

        Assert.True(await ExistsAsync(clients, disk.Endpoint, disk.DiskId, orphan));
        await StackFixture.Eventually(async () => !await ExistsAsync(clients, disk.Endpoint, disk.DiskId, orphan),
            TimeSpan.FromSeconds(120), "orphan shard reclaimed by reconciliation");
    }

    [Fact]
    public async Task Heat_ReadsOnDisks_ShowUpInHeatMap()
    {
        using var s3 = stack.Client();
        var bucket = await ObjectRoundTripTests.NewBucketAsync(s3);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "hot", ContentBody = "warm bytes" });
        for (var i = 0; i < 20; i++)
        {
            using var get = await s3.GetObjectAsync(bucket, "hot");
            await get.ResponseStream.CopyToAsync(Stream.Null);
        }

        using var channel = stack.Channel("heat-monitor");
        var heat = new HeatMonitor.HeatMonitorClient(channel);
        await StackFixture.Eventually(async () =>
        {
            var map = await heat.GetHeatMapAsync(new GetHeatMapRequest());
            return map.Disks.Any(d => d.Heat > 0);
        }, TimeSpan.FromSeconds(30), "heat reported for the disks that served reads");
    }

    private async Task<List<(string Disk, string Shard)>> ShardIdsAsync(string bucket, string key) =>
        (await stack.ShardsOfAsync(bucket, key)).Select(s => (s.DiskId, s.ShardId)).ToList();

    private async Task<bool> AnyExistAsync(List<(string Disk, string Shard)> shards)
    {
        var map = await stack.DiskMapAsync();
        using var clients = new StorageNodeClients();
        foreach (var (disk, shard) in shards)
        {
            var endpoint = map.Disks.First(d => d.DiskId == disk).Endpoint;
            if (await ExistsAsync(clients, endpoint, disk, shard))
            {
                return true;
            }
        }

        return false;
    }

    private static async Task<bool> ExistsAsync(StorageNodeClients clients, string endpoint, string disk, string shard)
    {
        try
        {
            await clients.Get(endpoint).StatShardAsync(new StatShardRequest { DiskId = disk, ShardId = shard });
            return true;
        }
        catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.NotFound)
        {
            return false;
        }
    }
}
