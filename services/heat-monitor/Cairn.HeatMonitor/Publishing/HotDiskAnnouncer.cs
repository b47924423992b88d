using Cairn.Heat.V1;
using Cairn.HeatMonitor.Heat;
using Cairn.ServiceDefaults.Events;

namespace Cairn.HeatMonitor.Publishing;

/// <summary>Publishes a DiskHotEvent on "disk-heat" for every disk that turned hot or cooled down.</summary>
public sealed class HotDiskAnnouncer(IEventPublisher publisher, HeatMonitorMetrics metrics)
{
    public const string Topic = "disk-heat";

    public async Task AnnounceAsync(IReadOnlyList<HotTransition> transitions, CancellationToken ct)
    {
        foreach (var t in transitions)
        {
            metrics.Transitioned(t);
            // The publisher queues and retries in the background, so this never waits on a subscriber.
            await publisher.PublishAsync(Topic, new DiskHotEvent { DiskId = t.DiskId, Hot = t.Hot, Heat = t.Heat }, ct);
        }
    }
}
