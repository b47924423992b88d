using Cairn.Placement.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Mvc.Testing;
using PlacementApi = Cairn.Placement.V1.Placement;

namespace Cairn.Placement.Tests;

/// <summary>DrainNode, the admin CLI's drain: a node's disks stop receiving shards, and undo brings them back.</summary>
public sealed class DrainNodeTests : IClassFixture<WebApplicationFactory<Program>>
{
    private readonly PlacementApi.PlacementClient _client;

    public DrainNodeTests(WebApplicationFactory<Program> factory)
    {
        var channel = GrpcChannel.ForAddress(factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = factory.Server.CreateHandler() });
        _client = new PlacementApi.PlacementClient(channel);
    }

    [Fact]
    public async Task PlacementService_DrainNode_NodeDisksDrainAndAreNeverChosen()
    {
        for (var n = 0; n < 4; n++)
        {
            var node = new RegisterNodeRequest { NodeId = $"dr{n}", Endpoint = $"http://dr{n}:7000" };
            node.Disks.Add(new DiskInfo { DiskId = $"dr{n}-d0", CapacityBytes = 1UL << 40 });
            node.Disks.Add(new DiskInfo { DiskId = $"dr{n}-d1", CapacityBytes = 1UL << 40 });
            await _client.RegisterNodeAsync(node);
        }

        var drained = await _client.DrainNodeAsync(new DrainNodeRequest { NodeId = "dr0" });

        Assert.Equal(["dr0-d0", "dr0-d1"], drained.Disks.Select(d => d.DiskId).Order(StringComparer.Ordinal));
        Assert.All(drained.Disks, d => Assert.Equal(DiskState.Draining, d.State));
        for (var i = 0; i < 20; i++)
        {
            var set = await _client.ChooseShardSetAsync(new ChooseShardSetRequest { Count = 3, ShardSizeHint = 1 << 20 });
            Assert.DoesNotContain(set.Disks, d => d.NodeId == "dr0");
        }

        var undone = await _client.DrainNodeAsync(new DrainNodeRequest { NodeId = "dr0", Undo = true });
        Assert.All(undone.Disks, d => Assert.Equal(DiskState.Active, d.State));
    }

    [Fact]
    public async Task PlacementService_DrainNode_UnknownNodeIsNotFound()
    {
        var e = await Assert.ThrowsAsync<RpcException>(async () => await _client.DrainNodeAsync(new DrainNodeRequest { NodeId = "no-such-node" }));
        Assert.Equal(StatusCode.NotFound, e.StatusCode);
    }
}
