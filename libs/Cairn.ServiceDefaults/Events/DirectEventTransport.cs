using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Google.Protobuf;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cairn.ServiceDefaults.Events;

/// <summary>
/// Delivers events without a Dapr sidecar: it reads the <c>/dapr/subscribe</c> document of every service it
/// knows (the <c>services</c> configuration section, or <c>Cairn:Events:Peers</c>) and POSTs the same CloudEvent
/// to the same route Dapr would, at least once, retrying with backoff. Subscriber code is identical in both modes.
/// </summary>
public sealed partial class DirectEventTransport : BackgroundService, IEventPublisher
{
    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(100_000)
    {
        FullMode = BoundedChannelFullMode.DropOldest, // events are hints; reconciliation finds dropped work
    });

    private readonly IHttpClientFactory _httpFactory;
    private readonly ServiceIdentity _identity;
    private readonly ILogger<DirectEventTransport> _log;
    private readonly IReadOnlyList<string> _peers;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, (DateTimeOffset At, List<EventSubscription> Subs)> _docs = [];
    private readonly int _maxAttempts;

    public DirectEventTransport(IHttpClientFactory httpFactory, IConfiguration config, ServiceIdentity identity,
        ILogger<DirectEventTransport> log, TimeProvider? time = null)
    {
        _httpFactory = httpFactory;
        _identity = identity;
        _log = log;
        _time = time ?? TimeProvider.System;
        _peers = EventPeers(config);
        _maxAttempts = config.GetValue("Cairn:Events:MaxAttempts", 12);
    }

    /// <summary>Events published and not yet delivered everywhere.</summary>
    public int QueueLength => _queue.Reader.CanCount ? _queue.Reader.Count : 0;

    public long Delivered { get; private set; }

    public long Failed { get; private set; }

    public Task PublishAsync<T>(string topic, T message, CancellationToken ct = default) where T : IMessage
    {
        // Captured now: the background loop that delivers it runs outside the publisher's trace.
        var traceParent = Activity.Current?.Id;
        var envelope = CloudEvent.Create(_identity.ServiceName, topic, message, traceParent: traceParent);
        _queue.Writer.TryWrite(new Pending(topic, envelope.ToJsonString(), traceParent, 0, null));
        return Task.CompletedTask;
    }

    internal static List<string> EventPeers(IConfiguration config)
    {
        var explicitPeers = config["Cairn:Events:Peers"];
        if (!string.IsNullOrWhiteSpace(explicitPeers))
        {
            return explicitPeers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        }

        return config.GetSection("services").GetChildren()
            .Where(s => s.GetSection("http").Exists())
            .Select(s => s.Key)
            .ToList();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var item in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            var remaining = new List<string>();
            foreach (var peer in item.Peers ?? _peers)
            {
                if (!await TryDeliverToPeerAsync(peer, item, stoppingToken))
                {
                    remaining.Add(peer);
                }
            }

            if (remaining.Count == 0)
            {
                Delivered++;
                continue;
            }

            if (item.Attempt + 1 >= _maxAttempts)
            {
                Failed++;
                LogGaveUp(item.Topic, string.Join(',', remaining));
                continue;
            }

            // Retry later without blocking the events behind it.
            var retry = item with { Attempt = item.Attempt + 1, Peers = remaining };
            var delay = TimeSpan.FromMilliseconds(Math.Min(30_000, 100 * Math.Pow(2, item.Attempt)));
            _ = Task.Delay(delay, _time, stoppingToken).ContinueWith(_ => _queue.Writer.TryWrite(retry), TaskScheduler.Default);
        }
    }

    private async Task<bool> TryDeliverToPeerAsync(string peer, Pending item, CancellationToken ct)
    {
        try
        {
            var routes = await RoutesAsync(peer, item.Topic, ct);
            foreach (var route in routes)
            {
                using var activity = EventTracing.StartDelivery(item.Topic, item.TraceParent, peer);
                using var http = _httpFactory.CreateClient("cairn-events");
                using var content = new StringContent(item.Json, Encoding.UTF8, CloudEvent.ContentType);
                using var response = await http.PostAsync(new Uri(ServiceClientExtensions.ServiceUri(peer, "http"), route), content, ct);
                if (!response.IsSuccessStatusCode)
                {
                    LogDeliveryFailed(item.Topic, peer, (int)response.StatusCode);
                    return false;
                }
            }

            return true;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or InvalidOperationException)
        {
            LogPeerUnreachable(item.Topic, peer, e.Message);
            _docs.Remove(peer);
            return false;
        }
    }

    private async Task<IEnumerable<string>> RoutesAsync(string peer, string topic, CancellationToken ct)
    {
        if (!_docs.TryGetValue(peer, out var cached) || _time.GetUtcNow() - cached.At > TimeSpan.FromSeconds(30))
        {
            using var http = _httpFactory.CreateClient("cairn-events");
            var subs = await http.GetFromJsonAsync<List<SubscriptionDoc>>(
                new Uri(ServiceClientExtensions.ServiceUri(peer, "http"), "/dapr/subscribe"), ct) ?? [];
            cached = (_time.GetUtcNow(), subs.Select(s => new EventSubscription(s.PubSubName ?? "", s.Topic ?? "", s.Route ?? "")).ToList());
            _docs[peer] = cached;
        }

        return cached.Subs.Where(s => s.Topic == topic && s.PubSubName == CloudEvent.PubSubName).Select(s => s.Route);
    }

    private sealed record Pending(string Topic, string Json, string? TraceParent, int Attempt, List<string>? Peers);

    private sealed record SubscriptionDoc(
        [property: System.Text.Json.Serialization.JsonPropertyName("pubsubname")] string? PubSubName,
        [property: System.Text.Json.Serialization.JsonPropertyName("topic")] string? Topic,
        [property: System.Text.Json.Serialization.JsonPropertyName("route")] string? Route);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Event on {Topic} to {Peer} failed with HTTP {Status}; will retry")]
    private partial void LogDeliveryFailed(string topic, string peer, int status);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Debug, Message = "Event on {Topic}: {Peer} unreachable ({Reason}); will retry")]
    private partial void LogPeerUnreachable(string topic, string peer, string reason);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "Gave up delivering an event on {Topic} to {Peers}; reconciliation will find the work")]
    private partial void LogGaveUp(string topic, string peers);
}
