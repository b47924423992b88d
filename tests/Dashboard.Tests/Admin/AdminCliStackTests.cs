using Cairn.Admin;
using Cairn.Dashboard.Tests.Stack;
using Cairn.Placement.V1;
using Grpc.Net.Client;
using Spectre.Console.Testing;
using PlacementApi = Cairn.Placement.V1.Placement;

namespace Cairn.Dashboard.Tests.Admin;

/// <summary>The admin CLI against the real services: their gRPC health, placement's disk map and DrainNode.</summary>
[Collection(ObservedStackCollection.Name)]
public sealed class AdminCliStackTests(ObservedStackFixture fixture)
{
    [Fact]
    public async Task Status_RunningStack_EveryServiceAndNodeServing()
    {
        var (code, output) = await RunAsync("status");

        Assert.True(code == 0, output);
        Assert.Contains("storage-node node6", output, StringComparison.Ordinal);
        Assert.Contains($"Disks: {ObservedStackFixture.StorageNodes * ObservedStackFixture.DisksPerNode} (", output, StringComparison.Ordinal);
        Assert.Contains("All services serving.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drain_RealPlacement_NodeDisksDrainThenUndoReactivates()
    {
        try
        {
            var (code, output) = await RunAsync("drain", "node6");
            Assert.True(code == 0, output);
            var map = await DiskMapAsync();
            Assert.All(map.Disks.Where(d => d.NodeId == "node6"), d => Assert.Equal(DiskState.Draining, d.State));
            Assert.All(map.Disks.Where(d => d.NodeId != "node6"), d => Assert.NotEqual(DiskState.Draining, d.State));
        }
        finally
        {
            var (undo, output) = await RunAsync("drain", "node6", "--undo");
            Assert.True(undo == 0, output);
        }

        Assert.All((await DiskMapAsync()).Disks.Where(d => d.NodeId == "node6"), d => Assert.NotEqual(DiskState.Draining, d.State));
    }

    private async Task<DiskMap> DiskMapAsync()
    {
        using var channel = GrpcChannel.ForAddress(fixture.Stack.Service("placement").GrpcUrl);
        return await new PlacementApi.PlacementClient(channel).GetDiskMapAsync(new GetDiskMapRequest());
    }

    private async Task<(int Code, string Output)> RunAsync(params string[] command)
    {
        var console = new TestConsole();
        console.Profile.Width = 200;
        string[] endpoints = ["placement", "namespace", "heat-monitor", "background-ops", "frontend"];
        var args = command.Concat(endpoints.SelectMany(s => new[] { $"--{s}", fixture.Stack.Service(s).GrpcUrl })).ToArray();
        var code = await AdminCli.Create(console).Parse(args).InvokeAsync();
        return (code, console.Output);
    }
}
