using System.Net.Http.Headers;
using Cairn.Heat.V1;
using Cairn.Placement.V1;
using Cairn.ServiceDefaults.Events;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Mvc.Testing;
using PlacementApi = Cairn.Placement.V1.Placement;

namespace Cairn.Placement.Tests;

public sealed class PlacementServiceTests : IClassFixture<WebApplicationFactory<Program>>
{
    private readonly PlacementApi.PlacementClient _client;
    private readonly WebApplicationFactory<Program> _factory;

    public PlacementServiceTests(WebApplicationFactory<Program> factory)
    {
        _factory = factory;
        var channel = GrpcChannel.ForAddress(factory.Server.BaseAddress, new GrpcChannelOptions
        {
            HttpHandler = factory.Server.CreateHandler(),
        });
        _client = new PlacementApi.PlacementClient(channel);
    }

    private static RegisterNodeRequest Node(string nodeId, int disks)
    {
        var request = new RegisterNodeRequest { NodeId = nodeId, Endpoint = $"http://{nodeId}:7000", Zone = "", Rack = "" };
        for (var i = 0; i < disks; i++)
        {
            request.Disks.Add(new DiskInfo { DiskId = $"{nodeId}-d{i}", CapacityBytes = 1UL << 40 });
        }

        return request;
    }

    [Fact]
    public async Task PlacementService_ChooseShardSet_InProcessRoundTrip()
    {
        for (var n = 0; n < 6; n++)
        {
            var reply = await _client.RegisterNodeAsync(Node($"rt{n}", 2));
            Assert.True(reply.HeartbeatIntervalMs > 0);
        }

        var set = await _client.ChooseShardSetAsync(new ChooseShardSetRequest { Count = 6, ShardSizeHint = 1 << 20 });
        Assert.Equal(6, set.Disks.Count);
        Assert.Equal(6, set.Disks.Select(d => d.NodeId).Distinct().Count());
        Assert.All(set.Disks, d => Assert.Equal($"http://{d.NodeId}:7000", d.Endpoint));

        var map = await _client.GetDiskMapAsync(new GetDiskMapRequest());
        Assert.True(map.Disks.Count(d => d.NodeId.StartsWith("rt", StringComparison.Ordinal)) >= 12);
        Assert.Contains(map.Disks, d => d.DiskId == "rt0-d0" && d.State == DiskState.Active);
    }

    [Fact]
    public async Task PlacementService_ChooseShardSet_TooFewDisksIsUnavailable()
    {
        var e = await Assert.ThrowsAsync<RpcException>(async () =>
            await _client.ChooseShardSetAsync(new ChooseShardSetRequest { Count = 200 }));
        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
        Assert.Contains("need 200 disks", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlacementService_Heartbeat_UnknownNodeMustReregister()
    {
        var reply = await _client.HeartbeatAsync(new HeartbeatRequest { NodeId = "never-registered" });
        Assert.False(reply.Known);
    }

    [Fact]
    public async Task PlacementService_SetDiskState_OfflineCannotBeSet()
    {
        await _client.RegisterNodeAsync(Node("st", 1));
        var e = await Assert.ThrowsAsync<RpcException>(async () =>
            await _client.SetDiskStateAsync(new SetDiskStateRequest { DiskId = "st-d0", State = DiskState.Offline }));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);

        await _client.SetDiskStateAsync(new SetDiskStateRequest { DiskId = "st-d0", State = DiskState.Draining });
        await _client.ReportDiskHeatAsync(new ReportDiskHeatRequest { Disks = { new DiskHeat { DiskId = "st-d0", Heat = 42, Hot = true } } });
        var disk = (await _client.GetDiskMapAsync(new GetDiskMapRequest())).Disks.Single(d => d.DiskId == "st-d0");
        Assert.Equal(DiskState.Draining, disk.State);
        Assert.Equal(42, disk.Heat);
    }

    [Fact]
    public async Task PlacementService_DiskHeatEvent_MarksDiskHot()
    {
        await _client.RegisterNodeAsync(Node("ev", 1));
        var hot = new DiskHotEvent { DiskId = "ev-d0", Hot = true, Heat = 321 };
        using var http = _factory.CreateClient();
        using var body = new StringContent(CloudEvent.Create("heat-monitor", "disk-heat", hot).ToJsonString());
        body.Headers.ContentType = new MediaTypeHeaderValue(CloudEvent.ContentType);
        using var response = await http.PostAsync(new Uri("/events/disk-heat", UriKind.Relative), body);
        response.EnsureSuccessStatusCode();

        var disk = (await _client.GetDiskMapAsync(new GetDiskMapRequest())).Disks.Single(d => d.DiskId == "ev-d0");
        Assert.Equal(321, disk.Heat);
    }
}
