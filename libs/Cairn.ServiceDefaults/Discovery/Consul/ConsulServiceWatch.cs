using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Cairn.ServiceDefaults.Discovery.Consul;

/// <summary>
/// Follows one service's passing instances with Consul blocking queries, and keeps the last good answer: when
/// Consul is unreachable, callers go on using what it said last rather than losing every endpoint at once.
/// Each answer that differs from the previous one fires the previous snapshot's change token, so resolvers
/// refresh at once instead of on a polling period.
/// </summary>
public sealed partial class ConsulServiceWatch : IAsyncDisposable
{
    private static readonly TimeSpan MinQueryInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly ConsulClient _client;
    private readonly ILogger _log;
    private readonly ConsulMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Snapshot _current = new(null);
    private Task _loop = Task.CompletedTask;
    private int _failures;

    internal ConsulServiceWatch(string serviceName, ConsulClient client, ILogger log, ConsulMetrics metrics, TimeProvider time)
    {
        ServiceName = serviceName;
        _client = client;
        _log = log;
        _metrics = metrics;
        _time = time;
    }

    public string ServiceName { get; }

    /// <summary>The latest answer; read it once and use its instances and token together.</summary>
    public Snapshot Current => Volatile.Read(ref _current);

    /// <summary>Completes when the first query has succeeded or failed.</summary>
    public Task FirstAttempt => _firstAttempt.Task;

    /// <summary>Queries failed in a row since the last answer (0 while Consul answers).</summary>
    public int ConsecutiveFailures => Volatile.Read(ref _failures);

    internal void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken ct)
    {
        ulong index = 0;
        while (!ct.IsCancellationRequested)
        {
            var started = _time.GetTimestamp();
            try
            {
                var (instances, newIndex) = await _client.HealthyInstancesAsync(ServiceName, index, ct);
                Volatile.Write(ref _failures, 0);
                Publish(instances);
                _firstAttempt.TrySetResult();

                // Consul's rules for blocking indexes: restart from 0 if it goes backwards, never block on 0.
                var next = newIndex < index ? 0 : Math.Max(newIndex, 1);
                if (next == index && _time.GetElapsedTime(started) < MinQueryInterval)
                {
                    // The agent answered early without a change: don't spin on it.
                    await Task.Delay(MinQueryInterval - _time.GetElapsedTime(started), _time, ct);
                }

                index = next;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                var failures = Interlocked.Increment(ref _failures);
                _firstAttempt.TrySetResult();
                _metrics.QueryFailed(ServiceName);
                LogQueryFailed(ServiceName, failures, e.Message);
                var backoff = TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(failures, 10))));
                await Task.Delay(backoff, _time, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private void Publish(IReadOnlyList<ConsulServiceInstance> instances)
    {
        var previous = Current;
        var next = new Snapshot(instances);
        if (previous.Instances is not null && previous.Signature == next.Signature)
        {
            return;
        }

        Volatile.Write(ref _current, next);
        _metrics.InstancesChanged(ServiceName);
        LogInstancesChanged(ServiceName, instances.Count);
        previous.Fire();
    }

    /// <summary>One answer from Consul (null instances: Consul has not answered yet) and the token that fires when it is replaced.</summary>
    public sealed class Snapshot
    {
        private readonly CancellationTokenSource _replaced = new();

        internal Snapshot(IReadOnlyList<ConsulServiceInstance>? instances)
        {
            Instances = instances;
            ChangeToken = new CancellationChangeToken(_replaced.Token);
            Signature = instances is null
                ? ""
                : string.Join('\n', instances
                    .Select(i => $"{i.Id}|{i.Address}|{i.Port}|{string.Join(',', i.Meta.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => m.Key + "=" + m.Value))}")
                    .Order(StringComparer.Ordinal));
        }

        public IReadOnlyList<ConsulServiceInstance>? Instances { get; }

        public IChangeToken ChangeToken { get; }

        internal string Signature { get; }

        // Not disposed: late readers may still register on this token, and must then see it fired.
        internal void Fire() => _replaced.Cancel();
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "Consul query for {Service} failed ({Failures} in a row: {Reason}); keeping the last good answer")]
    private partial void LogQueryFailed(string service, int failures, string reason);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Information, Message = "Consul: {Service} now has {Count} passing instance(s)")]
    private partial void LogInstancesChanged(string service, int count);
}
