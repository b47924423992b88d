using Google.Protobuf;

namespace Cairn.ServiceDefaults.Events;

/// <summary>Publishes events (hints that make background work prompt; every consumer also reconciles without them).</summary>
public interface IEventPublisher
{
    /// <summary>Queues the event for at-least-once delivery; returns once it is queued, not delivered.</summary>
    Task PublishAsync<T>(string topic, T message, CancellationToken ct = default) where T : IMessage;
}
