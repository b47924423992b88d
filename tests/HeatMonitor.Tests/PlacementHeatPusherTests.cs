using Cairn.Heat.V1;
using Cairn.HeatMonitor.Heat;
using Cairn.HeatMonitor.Publishing;
using Cairn.Placement.V1;
using Cairn.ServiceDefaults.Events;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using PlacementApi = Cairn.Placement.V1.Placement;

namespace Cairn.HeatMonitor.Tests;

public class PlacementHeatPusherTests
{
    private sealed class RecordingPublisher : IEventPublisher
    {
        public List<(string Topic, IMessage Message)> Published { get; } = [];

        public Task PublishAsync<T>(string topic, T message, CancellationToken ct = default) where T : IMessage
        {
            Published.Add((topic, message));
            return Task.CompletedTask;
        }
    }

    private sealed class FakePlacement : PlacementApi.PlacementClient
    {
        public List<ReportDiskHeatRequest> Reports { get; } = [];

        public bool Down { get; set; }

        public override AsyncUnaryCall<ReportDiskHeatResponse> ReportDiskHeatAsync(ReportDiskHeatRequest request, CallOptions options)
        {
            if (Down)
            {
                throw new RpcException(new Status(StatusCode.Unavailable, "placement is down"));
            }

            Reports.Add(request);
            return new AsyncUnaryCall<ReportDiskHeatResponse>(
                Task.FromResult(new ReportDiskHeatResponse()), Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
        }
    }

    private static HeatSample Ops(string disk, ulong reads) => new(disk, "n1", reads, 0, 0, 0, 0, 0, TimeSpan.FromSeconds(1));

    [Fact]
    public async Task PlacementHeatPusher_PushOnce_SendsEveryDiskAndAnnouncesCooling()
    {
        var time = new ManualTimeProvider();
        var tracker = new HeatTracker(new HeatOptions { HotFloor = 50, HotFactor = 2, HalfLife = TimeSpan.FromSeconds(10) }, time);
        using var metrics = new HeatMonitorMetrics(tracker);
        var publisher = new RecordingPublisher();
        var announcer = new HotDiskAnnouncer(publisher, metrics);
        var intake = new HeatIntake(tracker, announcer, metrics);
        var placement = new FakePlacement();
        using var pusher = new PlacementHeatPusher(tracker, announcer, placement, metrics, time,
            NullLogger<PlacementHeatPusher>.Instance, new PushOptions());

        for (var i = 0; i < 60; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await intake.ReportAsync([Ops("d1", 5), Ops("d2", 5), Ops("d3", 400)], CancellationToken.None);
        }

        var turnedHot = Assert.Single(publisher.Published);
        Assert.Equal("disk-heat", turnedHot.Topic);
        Assert.Equal("d3", ((DiskHotEvent)turnedHot.Message).DiskId);
        Assert.True(((DiskHotEvent)turnedHot.Message).Hot);

        await pusher.PushOnceAsync(CancellationToken.None);
        var report = Assert.Single(placement.Reports);
        Assert.Equal(["d1", "d2", "d3"], report.Disks.Select(d => d.DiskId));
        Assert.True(report.Disks.Single(d => d.DiskId == "d3").Hot);

        // No traffic for a minute: d3 decays below the threshold and the periodic push announces it.
        time.Advance(TimeSpan.FromMinutes(1));
        placement.Down = true;
        await Assert.ThrowsAsync<RpcException>(() => pusher.PushOnceAsync(CancellationToken.None));
        var cooled = (DiskHotEvent)publisher.Published[^1].Message;
        Assert.Equal("d3", cooled.DiskId);
        Assert.False(cooled.Hot);
    }
}
