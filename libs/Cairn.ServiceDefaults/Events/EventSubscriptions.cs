using System.Collections.Concurrent;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cairn.ServiceDefaults.Events;

/// <summary>A subscription as Dapr's <c>/dapr/subscribe</c> document lists it.</summary>
public sealed record EventSubscription(string PubSubName, string Topic, string Route);

/// <summary>The subscriptions this process declared next to their handlers.</summary>
public sealed class EventSubscriptionRegistry
{
    private readonly ConcurrentDictionary<string, EventSubscription> _byTopic = new();

    public IReadOnlyCollection<EventSubscription> All => _byTopic.Values.ToArray();

    internal void Add(EventSubscription s) => _byTopic[s.Topic + "\n" + s.Route] = s;
}

public static class EventSubscriptionExtensions
{
    /// <summary>
    /// Declares a subscription and maps its route. The handler receives the event's data; it must be idempotent
    /// (delivery is at least once). A handler exception answers 500, which makes Dapr or the direct transport retry.
    /// </summary>
    public static RouteHandlerBuilder MapEventSubscription<T>(this IEndpointRouteBuilder app, string topic, string route,
        Func<T, IServiceProvider, CancellationToken, Task> handler) where T : IMessage<T>, new()
    {
        ArgumentNullException.ThrowIfNull(app);
        app.ServiceProvider.GetRequiredService<EventSubscriptionRegistry>()
            .Add(new EventSubscription(CloudEvent.PubSubName, topic, route));
        return app.MapPost(route, async (HttpContext ctx) =>
        {
            using var doc = await JsonDocument.ParseAsync(ctx.Request.Body, default, ctx.RequestAborted);
            T message;
            try
            {
                message = CloudEvent.ParseData<T>(doc.RootElement);
            }
            catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException or FormatException)
            {
                // A malformed event will never parse: tell Dapr to drop it rather than retry forever.
                ctx.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Cairn.Events")
                    .LogWarning(e, "Dropping malformed event on {Topic}", topic);
                return Results.Json(new { status = "DROP" });
            }

            using var activity = EventTracing.StartHandling(topic, doc.RootElement);
            await handler(message, ctx.RequestServices, ctx.RequestAborted);
            return Results.Json(new { status = "SUCCESS" });
        });
    }

    internal static void MapEventSubscriptionDocument(this IEndpointRouteBuilder app)
    {
        app.MapGet("/dapr/subscribe", (EventSubscriptionRegistry registry) =>
            Results.Json(registry.All.Select(s => new { pubsubname = s.PubSubName, topic = s.Topic, route = s.Route })));
    }
}
