using Cairn.BackgroundOps.Gc;

namespace Cairn.BackgroundOps.Jobs;

/// <summary>The periodic side of every job: reconciliation, scrub, repair and the GC retry queue, each on its own timer.</summary>
public sealed partial class JobScheduler(
    JobRunner runner,
    GarbageCollector gc,
    BackgroundOpsOptions options,
    TimeProvider time,
    ILogger<JobScheduler> log) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(
        EveryAsync(options.GcInterval, ct => runner.RunAsync(OpsJobKind.GcReconcile, ct), stoppingToken),
        EveryAsync(options.ScrubInterval, ct => runner.RunAsync(OpsJobKind.Scrub, ct), stoppingToken),
        EveryAsync(options.RepairInterval, ct => runner.RunAsync(OpsJobKind.Repair, ct), stoppingToken),
        EveryAsync(options.RetryInterval, gc.RetryDueAsync, stoppingToken));

    private async Task EveryAsync<T>(TimeSpan period, Func<CancellationToken, Task<T>> work, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    await work(ct);
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    LogTickFailed(e);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // shutting down
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "A periodic background job failed; it runs again next period")]
    private partial void LogTickFailed(Exception e);
}
