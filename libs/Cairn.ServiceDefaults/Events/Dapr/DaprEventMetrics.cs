using System.Diagnostics.Metrics;

namespace Cairn.ServiceDefaults.Events.Dapr;

/// <summary>The Dapr publisher's meter ("Cairn.Events.Dapr"): observed from the publisher's own counters.</summary>
internal static class DaprEventMetrics
{
    public const string MeterName = "Cairn.Events.Dapr";

    public static void Observe(IMeterFactory meters, DaprEventPublisher publisher)
    {
        var meter = meters.Create(MeterName);
        meter.CreateObservableCounter("cairn.events.dapr.published", () => publisher.Delivered, description: "Events the sidecar accepted");
        meter.CreateObservableCounter("cairn.events.dapr.given_up", () => publisher.Failed, description: "Events dropped after the last retry");
        meter.CreateObservableGauge("cairn.events.dapr.queued", () => publisher.QueueLength, description: "Events waiting for (re)publication");
    }
}
