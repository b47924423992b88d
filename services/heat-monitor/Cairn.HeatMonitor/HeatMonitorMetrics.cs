using System.Diagnostics;
using System.Diagnostics.Metrics;
using Cairn.HeatMonitor.Heat;

namespace Cairn.HeatMonitor;

/// <summary>Heat monitor's one Meter and one ActivitySource.</summary>
public sealed class HeatMonitorMetrics : IDisposable
{
    public const string Name = "Cairn.HeatMonitor";

    private readonly Meter _meter;
    private readonly Counter<long> _samples;
    private readonly Counter<long> _transitions;
    private readonly Counter<long> _pushFailures;

    public HeatMonitorMetrics(HeatTracker tracker)
    {
        _meter = new Meter(Name);
        _samples = _meter.CreateCounter<long>("cairn.heat.samples", description: "Disk heat samples received");
        _transitions = _meter.CreateCounter<long>("cairn.heat.hot_transitions", description: "Disks turning hot or cooling down");
        _pushFailures = _meter.CreateCounter<long>("cairn.heat.placement_push_failures", description: "Heat pushes to placement that failed");
        _meter.CreateObservableGauge("cairn.heat.hot_disks", () => tracker.Snapshot().Disks.Count(d => d.Hot), description: "Disks currently hot");
        _meter.CreateObservableGauge("cairn.heat.max_heat", () => tracker.Snapshot().Disks.Select(d => d.Heat).DefaultIfEmpty(0).Max(),
            unit: "{op}/s", description: "Heat of the hottest disk");
    }

    public ActivitySource Activities { get; } = new(Name);

    public void Sampled(int count) => _samples.Add(count);

    public void Transitioned(HotTransition t) =>
        _transitions.Add(1, new KeyValuePair<string, object?>("hot", t.Hot));

    public void PushFailed() => _pushFailures.Add(1);

    public void Dispose()
    {
        _meter.Dispose();
        Activities.Dispose();
    }
}
