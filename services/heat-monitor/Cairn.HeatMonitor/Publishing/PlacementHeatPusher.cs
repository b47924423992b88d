using Cairn.HeatMonitor.Heat;
using Cairn.Placement.V1;
using PlacementApi = Cairn.Placement.V1.Placement;

namespace Cairn.HeatMonitor.Publishing;

/// <summary>
/// Every few seconds: re-evaluates hotness (disks cool without samples) and pushes every disk's heat to
/// placement, which steers new shard sets away from hot disks. Placement being down only delays the next push.
/// </summary>
public sealed partial class PlacementHeatPusher(
    HeatTracker tracker,
    HotDiskAnnouncer announcer,
    PlacementApi.PlacementClient placement,
    HeatMonitorMetrics metrics,
    TimeProvider time,
    ILogger<PlacementHeatPusher> log,
    PushOptions options) : BackgroundService
{
    public async Task PushOnceAsync(CancellationToken ct)
    {
        await announcer.AnnounceAsync(tracker.Evaluate(), ct);
        var snapshot = tracker.Snapshot();
        if (snapshot.Disks.Count == 0)
        {
            return;
        }

        var request = new ReportDiskHeatRequest();
        request.Disks.AddRange(snapshot.Disks.Select(d => new DiskHeat { DiskId = d.DiskId, Heat = d.Heat, Hot = d.Hot }));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(options.Interval);
        await placement.ReportDiskHeatAsync(request, cancellationToken: deadline.Token);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Interval, time);
        var failing = false;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await PushOnceAsync(stoppingToken);
                failing = false;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                metrics.PushFailed();
                // Log the first failure of a streak only: placement being down is not news every two seconds.
                if (!failing)
                {
                    LogPushFailed(e);
                }

                failing = true;
            }
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Cannot push disk heat to placement; retrying every interval")]
    private partial void LogPushFailed(Exception e);
}
