using Cairn.Frontend.Telemetry;
using Cairn.Heat.V1;
using Grpc.Core;

namespace Cairn.Frontend.Backends;

/// <summary>
/// Keeps the heat monitor's map in memory by following its <c>WatchHeatMap</c> stream (a full map at once, then
/// on every change), so steering a read costs a dictionary lookup, never a call. When the heat monitor is down
/// the last map is kept (and ages) and the watch is retried with backoff; steering degrades to "all cool".
/// </summary>
public sealed class HeatMapWatcher(HeatMonitor.HeatMonitorClient client, TimeProvider time, ILogger<HeatMapWatcher> logger) : BackgroundService, IDiskHeat
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private volatile Dictionary<string, double> _heat = new(StringComparer.Ordinal);

    public double HeatOf(string diskId) => _heat.GetValueOrDefault(diskId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(500);
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var call = client.WatchHeatMap(new GetHeatMapRequest(), cancellationToken: stoppingToken);
                await foreach (var map in call.ResponseStream.ReadAllAsync(stoppingToken))
                {
                    _heat = map.Disks.ToDictionary(d => d.DiskId, d => d.Heat, StringComparer.Ordinal);
                    backoff = TimeSpan.FromMilliseconds(500);
                    failing = false;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Whatever the failure (unresolvable address, heat monitor down), steering must never take the
                // frontend down with it: a BackgroundService that throws stops the host.
                if (!failing)
                {
                    FrontendLog.HeatWatchFailed(logger, e.Message);
                    failing = true;
                }
            }
            await Task.Delay(backoff, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
        }
    }
}
