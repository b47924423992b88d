using Cairn.Heat.V1;
using Cairn.StorageNode.Disks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using HeatMonitorClient = Cairn.Heat.V1.HeatMonitor.HeatMonitorClient;

namespace Cairn.StorageNode.Registration;

/// <summary>
/// Every interval, tells the heat monitor what each disk did in that window. A missed report is simply
/// lost (the next window carries on from the same counters), so the monitor being down costs nothing here.
/// </summary>
public sealed class HeatReporter(
    HeatMonitorClient heatMonitor, DiskSet disks, StorageNodeOptions options, TimeProvider time, ILogger<HeatReporter> logger)
    : BackgroundService
{
    private readonly Dictionary<string, DiskCounters> _previous = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.HeatReportInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await heatMonitor.ReportHeatAsync(
                        BuildReport(options.HeatReportInterval),
                        deadline: time.GetUtcNow().UtcDateTime + options.HeatReportInterval,
                        cancellationToken: stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    StorageNodeLog.HeatReportFailed(logger, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    /// <summary>The counters of each disk since the previous call.</summary>
    public ReportHeatRequest BuildReport(TimeSpan window)
    {
        var request = new ReportHeatRequest { NodeId = options.NodeId };
        foreach (var disk in disks.All)
        {
            var now = disk.Store.Counters;
            var before = _previous.GetValueOrDefault(disk.Id);
            _previous[disk.Id] = now;
            request.Samples.Add(new DiskHeatSample
            {
                DiskId = disk.Id,
                NodeId = options.NodeId,
                Reads = (ulong)(now.Reads - before.Reads),
                Writes = (ulong)(now.Writes - before.Writes),
                BytesRead = (ulong)(now.BytesRead - before.BytesRead),
                BytesWritten = (ulong)(now.BytesWritten - before.BytesWritten),
                Errors = (ulong)(now.Errors - before.Errors),
                LatencyP50Ms = now.ReadP50Ms,
                LatencyP99Ms = now.ReadP99Ms,
                QueueDepth = (uint)Math.Max(0, now.QueueDepth),
                WindowMs = (uint)window.TotalMilliseconds,
            });
        }

        return request;
    }
}
