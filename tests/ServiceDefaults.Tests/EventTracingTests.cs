using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Cairn.Namespace.V1;
using Cairn.ServiceDefaults.Events;
using Cairn.ServiceDefaults.Tests.Dapr;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Cairn.ServiceDefaults.Tests;

/// <summary>Trace context crosses the event bus: the work an event triggers belongs to the trace that published it.</summary>
public sealed class EventTracingTests : IDisposable
{
    private readonly ConcurrentQueue<Activity> _finished = new();
    private readonly ActivityListener _listener;
    private readonly ActivitySource _test = new("Cairn.Tests.EventTracing");

    public EventTracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name.StartsWith("Cairn.", StringComparison.Ordinal) || s.Name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)
                || s.Name.StartsWith("System.Net.Http", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _finished.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _test.Dispose();
    }

    [Fact]
    public async Task DirectTransport_Publish_HandlerRunsInThePublishersTrace()
    {
        var seen = new ConcurrentQueue<(ActivityTraceId Trace, string? Name)>();
        var port = Poll.FreePort();
        await using var subscriber = TestApp.Create("background-ops", a => a.MapEventSubscription<ObjectGarbageEvent>(
            "object-garbage", "/events/garbage", (_, _, _) =>
            {
                seen.Enqueue((Activity.Current!.TraceId, Activity.Current.OperationName));
                return Task.CompletedTask;
            }), new() { ["Cairn:HttpPort"] = port.ToString(CultureInfo.InvariantCulture) }, testServer: false);
        await subscriber.StartAsync();
        await using var publisher = TestApp.Create("namespace", _ => { }, new() { ["services:background-ops:http:0"] = $"http://127.0.0.1:{port}" });
        await publisher.StartAsync();

        ActivityTraceId trace;
        using (var request = _test.StartActivity("DELETE /bucket/key", ActivityKind.Server))
        {
            trace = request!.TraceId;
            await publisher.Services.GetRequiredService<IEventPublisher>().PublishAsync("object-garbage", new ObjectGarbageEvent { Bucket = "b", Key = "k" });
        }

        await Poll.UntilAsync(() => !seen.IsEmpty, "the event to be handled");
        var (handledIn, name) = Assert.Single(seen);
        Assert.Equal(trace, handledIn);
        Assert.Equal("object-garbage process", name);

        // The delivery itself is a span of the same trace, and the handler's span hangs below it (through the
        // HTTP client and server spans, which end a moment after the handler's).
        await Poll.UntilAsync(() => DeliveryIsAncestorOfHandling(trace), "the handler span to descend from the delivery span");
    }

    [Fact]
    public async Task Subscription_EnvelopeWithTraceParent_HandlerJoinsThatTrace()
    {
        // As a Dapr sidecar delivers it: the traceparent is in the envelope, whatever the HTTP request carries.
        const string traceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        var seen = new ConcurrentQueue<(string Trace, string Parent)>();
        await using var app = TestApp.Create("background-ops", a => a.MapEventSubscription<ObjectGarbageEvent>(
            "object-garbage", "/events/garbage", (_, _, _) =>
            {
                seen.Enqueue((Activity.Current!.TraceId.ToHexString(), Activity.Current.ParentSpanId.ToHexString()));
                return Task.CompletedTask;
            }));
        await app.StartAsync();
        var envelope = CloudEvent.Create("namespace", "object-garbage", new ObjectGarbageEvent { Key = "k" }, traceParent: traceParent);
        using var content = new StringContent(envelope.ToJsonString(), Encoding.UTF8, CloudEvent.ContentType);

        using var response = await app.GetTestClient().PostAsync(new Uri("/events/garbage", UriKind.Relative), content);

        response.EnsureSuccessStatusCode();
        Assert.Equal(("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"), Assert.Single(seen));
    }

    [Fact]
    public async Task DaprPublisher_PublishInsideATrace_SendsItsTraceParentToTheSidecar()
    {
        await using var sidecar = await FakeDaprSidecar.StartAsync();
        await using var app = TestApp.Create("namespace", _ => { }, new()
        {
            ["DAPR_HTTP_PORT"] = "3500",
            ["DAPR_GRPC_ENDPOINT"] = sidecar.GrpcEndpoint.ToString(),
        });
        await app.StartAsync();

        string expected;
        using (var request = _test.StartActivity("PUT /bucket/key", ActivityKind.Server))
        {
            expected = request!.Id!;
            await app.Services.GetRequiredService<IEventPublisher>().PublishAsync("object-garbage", new ObjectGarbageEvent { Key = "k" });
        }

        await Poll.UntilAsync(() => !sidecar.Published.IsEmpty, "the sidecar to receive the event");
        Assert.Equal(expected, Assert.Single(sidecar.Published).Metadata["cloudevent.traceparent"]);
    }

    private bool DeliveryIsAncestorOfHandling(ActivityTraceId trace)
    {
        var spans = _finished.Where(a => a.TraceId == trace).ToList();
        var send = spans.SingleOrDefault(a => a.OperationName == "object-garbage send");
        var process = spans.SingleOrDefault(a => a.OperationName == "object-garbage process");
        if (send is null || process is null)
        {
            return false;
        }

        var bySpan = spans.ToDictionary(s => s.SpanId);
        for (var current = process; bySpan.TryGetValue(current.ParentSpanId, out var parent); current = parent)
        {
            if (parent.SpanId == send.SpanId)
            {
                return true;
            }
        }

        return false;
    }
}
