using Cairn.Heat.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using HeatMonitorApi = Cairn.Heat.V1.HeatMonitor;

namespace Cairn.HeatMonitor.Tests;

public sealed class HeatMonitorServiceTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly List<IDisposable> _owned = [];

    private HeatMonitorApi.HeatMonitorClient Client(int watchIntervalMs)
    {
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("Cairn:HeatWatchIntervalMs", watchIntervalMs.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .UseSetting("Cairn:HeatPushIntervalSeconds", "3600"));
        var channel = GrpcChannel.ForAddress(factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = factory.Server.CreateHandler() });
        _owned.Add(channel);
        _owned.Add(factory);
        return new HeatMonitorApi.HeatMonitorClient(channel);
    }

    private static ReportHeatRequest Report(string disk, ulong reads) => new()
    {
        NodeId = "n1",
        Samples = { new DiskHeatSample { DiskId = disk, Reads = reads, WindowMs = 1000, LatencyP99Ms = 4 } },
    };

    [Fact]
    public async Task HeatMonitorService_WatchHeatMap_StreamsOnChange()
    {
        // A one-hour tick: any map after the first one was caused by a change.
        var client = Client(watchIntervalMs: 3_600_000);
        using var cts = new CancellationTokenSource(Timeout);
        using var call = client.WatchHeatMap(new GetHeatMapRequest(), cancellationToken: cts.Token);

        Assert.True(await call.ResponseStream.MoveNext(cts.Token));
        Assert.Empty(call.ResponseStream.Current.Disks);

        await client.ReportHeatAsync(Report("d1", 50), cancellationToken: cts.Token);
        Assert.True(await call.ResponseStream.MoveNext(cts.Token));
        var disk = Assert.Single(call.ResponseStream.Current.Disks);
        Assert.Equal("d1", disk.DiskId);
        Assert.Equal("n1", disk.NodeId);
        Assert.True(disk.Heat > 0);
    }

    [Fact]
    public async Task HeatMonitorService_WatchHeatMap_StreamsPeriodicallyUntilCancelled()
    {
        var client = Client(watchIntervalMs: 50);
        using var cts = new CancellationTokenSource(Timeout);
        using var call = client.WatchHeatMap(new GetHeatMapRequest(), cancellationToken: cts.Token);
        for (var i = 0; i < 4; i++)
        {
            Assert.True(await call.ResponseStream.MoveNext(cts.Token));
        }

        await cts.CancelAsync();
        var e = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.Cancelled, e.StatusCode);
    }

    [Fact]
    public async Task HeatMonitorService_GetHeatMap_ReturnsReportedDisks()
    {
        var client = Client(watchIntervalMs: 1000);
        await client.ReportHeatAsync(Report("d1", 10));
        await client.ReportHeatAsync(Report("d2", 20));
        var map = await client.GetHeatMapAsync(new GetHeatMapRequest());
        Assert.Equal(["d1", "d2"], map.Disks.Select(d => d.DiskId));
        Assert.True(map.Disks[1].Heat > map.Disks[0].Heat);
        Assert.True(map.GeneratedUnixMs > 0);
    }

    public void Dispose()
    {
        foreach (var d in _owned)
        {
            d.Dispose();
        }
    }
}
