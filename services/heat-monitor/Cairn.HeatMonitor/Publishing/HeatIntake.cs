using Cairn.HeatMonitor.Heat;

namespace Cairn.HeatMonitor.Publishing;

/// <summary>Takes one node's report: folds it into the tracker and announces any disk that turned hot or cooled.</summary>
public sealed class HeatIntake(HeatTracker tracker, HotDiskAnnouncer announcer, HeatMonitorMetrics metrics)
{
    public Task ReportAsync(IReadOnlyList<HeatSample> samples, CancellationToken ct)
    {
        metrics.Sampled(samples.Count);
        return announcer.AnnounceAsync(tracker.Record(samples), ct);
    }
}
