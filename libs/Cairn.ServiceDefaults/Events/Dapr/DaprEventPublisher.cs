using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using System.Threading.Channels;
using Dapr.Client;
using Google.Protobuf;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cairn.ServiceDefaults.Events.Dapr;

/// <summary>
/// Publishes through the Dapr sidecar. The payload is the protobuf JSON of the message with content type
/// <c>application/json</c>, so the sidecar wraps it in a CloudEvent whose <c>data</c> is exactly what the direct
/// transport sends; we set the event id and source, so a retried publish carries the same id. Like the direct
/// transport it queues and retries in the background: callers never wait on, or fail because of, the sidecar.
/// </summary>
public sealed partial class DaprEventPublisher : BackgroundService, IEventPublisher
{
    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(100_000)
    {
        FullMode = BoundedChannelFullMode.DropOldest, // events are hints; reconciliation finds dropped work
    });

    private readonly DaprClient _dapr;
    private readonly ServiceIdentity _identity;
    private readonly ILogger<DaprEventPublisher> _log;
    private readonly TimeProvider _time;
    private readonly int _maxAttempts;
    private long _delivered;
    private long _failed;

    public DaprEventPublisher(DaprClient dapr, IConfiguration config, ServiceIdentity identity, ILogger<DaprEventPublisher> log,
        IMeterFactory meters, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        DaprEventMetrics.Observe(meters, this);
        _dapr = dapr;
        _identity = identity;
        _log = log;
        _time = time ?? TimeProvider.System;
        _maxAttempts = config.GetValue("Cairn:Events:MaxAttempts", 12);
    }

    /// <summary>Events published and not yet accepted by the sidecar.</summary>
    public int QueueLength => _queue.Reader.CanCount ? _queue.Reader.Count : 0;

    public long Delivered => Interlocked.Read(ref _delivered);

    public long Failed => Interlocked.Read(ref _failed);

    public Task PublishAsync<T>(string topic, T message, CancellationToken ct = default) where T : IMessage
    {
        ArgumentNullException.ThrowIfNull(message);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            // Dapr's CloudEvent overrides: the same id on every retry lets a subscriber recognise a duplicate.
            ["cloudevent.id"] = Guid.NewGuid().ToString("N"),
            ["cloudevent.source"] = _identity.ServiceName,
        };
        if (Activity.Current?.Id is { } traceParent)
        {
            // Captured now: the background loop that sends it runs outside the publisher's trace.
            metadata["cloudevent.traceparent"] = traceParent;
        }

        _queue.Writer.TryWrite(new Pending(topic, Encoding.UTF8.GetBytes(CloudEvent.DataJson(message)), metadata, 0));
        return Task.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var item in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                await PublishOnceAsync(item, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: what is still queued is lost, as the contract allows (reconciliation finds the work).
        }
    }

    private async Task PublishOnceAsync(Pending item, CancellationToken stoppingToken)
    {
        try
        {
            await _dapr.PublishByteEventAsync(CloudEvent.PubSubName, item.Topic, item.Data, "application/json", item.Metadata, stoppingToken);
            Interlocked.Increment(ref _delivered);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            if (item.Attempt + 1 >= _maxAttempts)
            {
                Interlocked.Increment(ref _failed);
                LogGaveUp(item.Topic, e.Message);
                return;
            }

            LogPublishFailed(item.Topic, item.Attempt + 1, e.Message);

            // Retry later without blocking the events behind it.
            var retry = item with { Attempt = item.Attempt + 1 };
            var delay = TimeSpan.FromMilliseconds(Math.Min(30_000, 100 * Math.Pow(2, item.Attempt)));
            _ = Task.Delay(delay, _time, stoppingToken).ContinueWith(_ => _queue.Writer.TryWrite(retry), TaskScheduler.Default);
        }
    }

    private sealed record Pending(string Topic, ReadOnlyMemory<byte> Data, Dictionary<string, string> Metadata, int Attempt);

    [LoggerMessage(EventId = 3301, Level = LogLevel.Warning, Message = "Publishing on {Topic} through Dapr failed (attempt {Attempt}: {Reason}); will retry")]
    private partial void LogPublishFailed(string topic, int attempt, string reason);

    [LoggerMessage(EventId = 3302, Level = LogLevel.Warning, Message = "Gave up publishing an event on {Topic} through Dapr ({Reason}); reconciliation will find the work")]
    private partial void LogGaveUp(string topic, string reason);
}
