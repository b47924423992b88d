using System.Diagnostics;
using System.Text.Json;

namespace Cairn.ServiceDefaults.Events;

/// <summary>
/// Carries a trace across the bus as the CloudEvents distributed-tracing extension does: the publisher's
/// <c>traceparent</c> travels in the envelope, and both the delivery (direct transport) and the handling
/// (subscriber) are spans of that trace. Without this an event would start a new trace in the background loop
/// that delivers it, and the work it triggers would not be connected to the request that caused it.
/// </summary>
public static class EventTracing
{
    public const string SourceName = "Cairn.Events";

    internal static readonly ActivitySource Source = new(SourceName);

    /// <summary>The span around one delivery attempt; its HTTP call carries the publisher's trace to the subscriber.</summary>
    internal static Activity? StartDelivery(string topic, string? traceParent, string peer)
    {
        var activity = Source.StartActivity($"{topic} send", ActivityKind.Producer, ParentOf(traceParent));
        activity?.SetTag("messaging.system", "cairn-direct");
        activity?.SetTag("messaging.destination.name", topic);
        activity?.SetTag("server.address", peer);
        return activity;
    }

    /// <summary>
    /// The span around a handler: a child of the envelope's <c>traceparent</c> when it has one (whoever delivered
    /// it, the direct transport or a Dapr sidecar), linked to the HTTP request span that brought it.
    /// </summary>
    internal static Activity? StartHandling(string topic, JsonElement envelope)
    {
        var traceParent = envelope.ValueKind == JsonValueKind.Object && envelope.TryGetProperty("traceparent", out var tp)
            && tp.ValueKind == JsonValueKind.String ? tp.GetString() : null;
        var envelopeParent = ParentOf(traceParent);
        var transport = Activity.Current;

        // Under the request span when that already continues the envelope's trace (the direct transport's
        // delivery does); otherwise under the envelope's context, linked to the request that brought it.
        var parent = envelopeParent == default || transport?.TraceId == envelopeParent.TraceId
            ? transport?.Context ?? default
            : envelopeParent;
        ActivityLink[]? links = transport is not null && transport.TraceId != parent.TraceId ? [new ActivityLink(transport.Context)] : null;
        var activity = Source.StartActivity($"{topic} process", ActivityKind.Consumer, parent, links: links);
        activity?.SetTag("messaging.destination.name", topic);
        if (CloudEvent.Id(envelope) is { } id)
        {
            activity?.SetTag("messaging.message.id", id);
        }

        return activity;
    }

    private static ActivityContext ParentOf(string? traceParent) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, null, isRemote: true, out var context) ? context : default;
}
