using Cairn.Namespace.Domain;
using Cairn.Namespace.V1;
using Cairn.ServiceDefaults.Events;

namespace Cairn.Namespace.Events;

/// <summary>Garbage goes to background-ops over the "object-garbage" topic.</summary>
public sealed class EventBusGarbageSink(IEventPublisher publisher) : IGarbageSink
{
    public const string Topic = "object-garbage";

    public Task PublishAsync(ObjectGarbageEvent garbage, CancellationToken ct) => publisher.PublishAsync(Topic, garbage, ct);
}
