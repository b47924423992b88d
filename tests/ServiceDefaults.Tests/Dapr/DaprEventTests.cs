using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Cairn.Common.V1;
using Cairn.Namespace.V1;
using Cairn.ServiceDefaults.Events;
using Cairn.ServiceDefaults.Events.Dapr;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Cairn.ServiceDefaults.Tests.Dapr;

public sealed class DaprEventTests : IAsyncLifetime
{
    private FakeDaprSidecar _sidecar = null!;

    public async Task InitializeAsync() => _sidecar = await FakeDaprSidecar.StartAsync();

    public async Task DisposeAsync() => await _sidecar.DisposeAsync();

    [Fact]
    public async Task DaprPublisher_Publish_SendsProtobufJsonDataToTheSidecar()
    {
        await using var app = DaprApp("namespace", _ => { });
        await app.StartAsync();
        var evt = Garbage();

        await app.Services.GetRequiredService<IEventPublisher>().PublishAsync("object-garbage", evt);

        await Poll.UntilAsync(() => !_sidecar.Published.IsEmpty, "the sidecar to receive the event");
        var request = Assert.Single(_sidecar.Published);
        Assert.Equal("pubsub", request.PubsubName);
        Assert.Equal("object-garbage", request.Topic);
        Assert.Equal("application/json", request.DataContentType);

        // The sidecar makes this the CloudEvent's data: byte for byte what the direct transport puts there.
        Assert.Equal(CloudEvent.DataJson(evt), request.Data.ToStringUtf8());
        using var doc = JsonDocument.Parse(request.Data.ToStringUtf8());
        Assert.Equal(evt, CloudEvent.ParseData<ObjectGarbageEvent>(doc.RootElement));
        Assert.Equal("namespace", request.Metadata["cloudevent.source"]);
        Assert.False(string.IsNullOrEmpty(request.Metadata["cloudevent.id"]));
    }

    [Fact]
    public async Task DaprPublisher_SidecarFails_RetriesWithTheSameEventId()
    {
        _sidecar.FailNext(2); // an HTTP 500, then gRPC UNAVAILABLE
        await using var app = DaprApp("namespace", _ => { });
        await app.StartAsync();

        await app.Services.GetRequiredService<IEventPublisher>().PublishAsync("object-garbage", Garbage());

        await Poll.UntilAsync(() => !_sidecar.Published.IsEmpty, "a retry to get through");
        Assert.Equal(3, _sidecar.Attempts);
        Assert.Single(_sidecar.Received.Select(r => r.Metadata["cloudevent.id"]).Distinct()); // one event, retried, not three
        var publisher = app.Services.GetRequiredService<DaprEventPublisher>();
        await Poll.UntilAsync(() => publisher.Delivered == 1, "the publisher to count the delivery"); // counted after the sidecar answers
        Assert.Equal(0, publisher.Failed);
    }

    [Fact]
    public async Task DaprMode_Registration_ReplacesTheDirectTransportAndKeepsOneSubscriptionDocument()
    {
        await using var app = DaprApp("background-ops", a =>
            a.MapEventSubscription<ObjectGarbageEvent>("object-garbage", "/events/garbage", (_, _, _) => Task.CompletedTask));
        await app.StartAsync();

        Assert.IsType<DaprEventPublisher>(app.Services.GetRequiredService<IEventPublisher>());
        Assert.DoesNotContain(app.Services.GetServices<IHostedService>(), s => s is DirectEventTransport);
        var response = await app.GetTestClient().GetAsync(new Uri("/dapr/subscribe", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // two documents would be an ambiguous route: 500
    }

    [Fact]
    public async Task DaprSubscribe_Document_MatchesDaprProgrammaticSubscriptionSchema()
    {
        await using var app = DaprApp("background-ops", a =>
        {
            a.MapEventSubscription<ObjectGarbageEvent>("object-garbage", "/events/garbage", (_, _, _) => Task.CompletedTask);
            a.MapEventSubscription<Cairn.Heat.V1.DiskHotEvent>("disk-heat", "/events/disk-heat", (_, _, _) => Task.CompletedTask);
        });
        await app.StartAsync();

        var response = await app.GetTestClient().GetAsync(new Uri("/dapr/subscribe", UriKind.Relative));
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        // Dapr's documented v1 programmatic subscription: a JSON array of {pubsubname, topic, route}, all strings.
        Assert.Equal(JsonValueKind.Array, doc.RootElement.ValueKind);
        var subscriptions = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(2, subscriptions.Count);
        foreach (var s in subscriptions)
        {
            Assert.Equal(["pubsubname", "route", "topic"], s.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            Assert.All(s.EnumerateObject(), p => Assert.Equal(JsonValueKind.String, p.Value.ValueKind));
            Assert.Equal("pubsub", s.GetProperty("pubsubname").GetString());
            Assert.StartsWith("/", s.GetProperty("route").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(["disk-heat", "object-garbage"], subscriptions.Select(s => s.GetProperty("topic").GetString()!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task EventRoute_DuplicateDaprDelivery_IdempotentHandlerChangesNothing()
    {
        var ledger = new GarbageLedger();
        await using var app = DaprApp("background-ops", a =>
            a.MapEventSubscription<ObjectGarbageEvent>("object-garbage", "/events/garbage", (e, _, _) => ledger.Apply(e)));
        await app.StartAsync();
        var http = app.GetTestClient();

        // A CloudEvent as daprd delivers it (its own envelope fields included), delivered twice: at least once.
        var envelope = DaprDelivered(Garbage(), "evt-1");
        var first = await PostAsync(http, envelope);
        var afterFirst = ledger.Snapshot();
        var second = await PostAsync(http, envelope);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Contains("SUCCESS", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(["d1/s1", "d2/s2"], afterFirst);
        Assert.Equal(afterFirst, ledger.Snapshot());
    }

    [Fact]
    public void DaprSidecar_Endpoints_FollowDaprVariables()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DAPR_HTTP_PORT"] = "3601",
            ["DAPR_GRPC_PORT"] = "50007",
        }).Build();

        Assert.True(DaprSidecar.IsPresent(config));
        Assert.Equal(new Uri("http://127.0.0.1:50007"), DaprSidecar.GrpcEndpoint(config));
        Assert.Equal(new Uri("http://127.0.0.1:3601"), DaprSidecar.HttpEndpoint(config));
        Assert.False(DaprSidecar.IsPresent(new ConfigurationBuilder().Build()));
    }

    private WebApplication DaprApp(string name, Action<WebApplication> map) => TestApp.Create(name, map, new()
    {
        ["DAPR_HTTP_PORT"] = "3500",
        ["DAPR_GRPC_ENDPOINT"] = _sidecar.GrpcEndpoint.ToString(),
    });

    private static ObjectGarbageEvent Garbage() => new()
    {
        Bucket = "photos",
        Key = "2026/cat.jpg",
        Reason = "overwritten",
        Layouts =
        {
            new ShardLayout
            {
                Scheme = RedundancyScheme.Replicated,
                DataShards = 1,
                ParityShards = 1,
                Shards = { new ShardLocation { Index = 0, DiskId = "d1", ShardId = "s1" }, new ShardLocation { Index = 1, DiskId = "d2", ShardId = "s2" } },
            },
        },
    };

    private static string DaprDelivered(ObjectGarbageEvent evt, string id)
    {
        var envelope = CloudEvent.Create("namespace", "object-garbage", evt, id: id);
        envelope["traceid"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        envelope["traceparent"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        envelope["tracestate"] = "";
        return envelope.ToJsonString();
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, string cloudEvent)
    {
        using var content = new StringContent(cloudEvent, Encoding.UTF8, CloudEvent.ContentType);
        return await http.PostAsync(new Uri("/events/garbage", UriKind.Relative), content);
    }

    /// <summary>
    /// The shape of an idempotent handler: it records the desired end state ("these shards are garbage") keyed by
    /// identity, instead of counting or appending, so a second delivery of the same event is a no-op.
    /// </summary>
    private sealed class GarbageLedger
    {
        private readonly ConcurrentDictionary<string, ObjectGarbageEvent> _shards = new(StringComparer.Ordinal);

        public Task Apply(ObjectGarbageEvent e)
        {
            foreach (var shard in e.Layouts.SelectMany(l => l.Shards))
            {
                _shards.TryAdd($"{shard.DiskId}/{shard.ShardId}", e);
            }

            return Task.CompletedTask;
        }

        public List<string> Snapshot() => _shards.Keys.Order(StringComparer.Ordinal).ToList();
    }
}
