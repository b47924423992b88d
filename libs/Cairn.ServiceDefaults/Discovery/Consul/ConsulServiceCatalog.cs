using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Cairn.ServiceDefaults.Discovery.Consul;

/// <summary>
/// One <see cref="ConsulServiceWatch"/> per service name, shared by every resolver of that service (its "http" and
/// "grpc" endpoints, every client): one blocking query per service, not one per HttpClient.
/// </summary>
public sealed class ConsulServiceCatalog(ConsulClient client, ConsulMetrics metrics, ILoggerFactory loggers, TimeProvider? time = null) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<ConsulServiceWatch>> _watches = new(StringComparer.OrdinalIgnoreCase);
    private readonly ILogger _log = loggers.CreateLogger<ConsulServiceWatch>();
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public ConsulServiceWatch Watch(string serviceName) => _watches.GetOrAdd(serviceName, name => new Lazy<ConsulServiceWatch>(() =>
    {
        var watch = new ConsulServiceWatch(name, client, _log, metrics, _time);
        watch.Start();
        return watch;
    })).Value;

    public async ValueTask DisposeAsync()
    {
        foreach (var watch in _watches.Values.Where(w => w.IsValueCreated))
        {
            await watch.Value.DisposeAsync();
        }
    }
}
