using Microsoft.Extensions.Hosting;

namespace Cairn.ServiceDefaults.Dashboard;

/// <summary>Calls every <see cref="IDashboardSampler"/> once per interval so charts have history before anyone looks.</summary>
public sealed class DashboardSampling(IEnumerable<IDashboardSampler> samplers, TimeProvider time) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var all = samplers.ToList();
        if (all.Count == 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            var now = time.GetUtcNow();
            foreach (var sampler in all)
            {
                sampler.Sample(now);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
