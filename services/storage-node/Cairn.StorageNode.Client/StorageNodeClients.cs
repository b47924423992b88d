using System.Collections.Concurrent;
using Cairn.Storage.V1;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace Cairn.StorageNode.Client;

/// <summary>
/// One long-lived gRPC channel per storage node endpoint. Storage nodes are addressed by the endpoint
/// placement's disk map gives, not by service discovery, so callers keep one of these per process.
/// </summary>
public sealed class StorageNodeClients : IDisposable
{
    /// <summary>Shard blocks are up to a few MiB; leave headroom above the largest block size.</summary>
    public const int MaxMessageBytes = 16 * 1024 * 1024;

    private readonly ConcurrentDictionary<string, Lazy<GrpcChannel>> _channels = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<HttpClient>> _dataClients = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<string?>> _dataUrls = new(StringComparer.Ordinal);
    private readonly ILoggerFactory? _loggerFactory;
    private readonly Func<string, HttpMessageHandler> _handlerFactory;
    private bool _disposed;

    public StorageNodeClients(ILoggerFactory? loggerFactory = null)
        : this(_ => CreateSocketsHandler(), loggerFactory)
    {
    }

    /// <summary>For in-process tests: route every endpoint through the given handler (e.g. a TestServer's).</summary>
    public StorageNodeClients(Func<string, HttpMessageHandler> handlerFactory, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(handlerFactory);
        _handlerFactory = handlerFactory;
        _loggerFactory = loggerFactory;
    }

    public Storage.V1.StorageNode.StorageNodeClient Get(string endpoint)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        ObjectDisposedException.ThrowIf(_disposed, this);
        // Lazy so that two racing callers never build (and leak) two channels for one endpoint.
        var channel = _channels.GetOrAdd(endpoint, e => new Lazy<GrpcChannel>(() => CreateChannel(e))).Value;
        return new Storage.V1.StorageNode.StorageNodeClient(channel);
    }

    /// <summary>Read shards over the nodes' HTTP/1.1 bulk read where they offer one (default), else over ReadShard.</summary>
    public bool PreferDataUrl { get; init; } = true;

    /// <summary>
    /// The node's bulk read base URL (NodeStatus.data_url), asked once per endpoint; null when the node offers none,
    /// <see cref="PreferDataUrl"/> is off, or the node could not be asked (then asked again next time).
    /// </summary>
    public async Task<string?> DataUrlAsync(string endpoint)
    {
        if (!PreferDataUrl)
        {
            return null;
        }

        var lookup = _dataUrls.GetOrAdd(endpoint, AskDataUrlAsync);
        var url = await lookup;
        if (url is null)
        {
            _dataUrls.TryRemove(new KeyValuePair<string, Task<string?>>(endpoint, lookup));
        }

        return string.IsNullOrEmpty(url) ? null : url;
    }

    /// <summary>Drops what the node at <paramref name="endpoint"/> said its data URL was (it stopped answering there), so the next read asks again.</summary>
    public void ForgetDataUrl(string endpoint) => _dataUrls.TryRemove(endpoint, out _);

    /// <summary>The pooled HTTP/1.1 client for a node's bulk read URL.</summary>
    public HttpClient DataClient(string dataUrl)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _dataClients.GetOrAdd(dataUrl, u => new Lazy<HttpClient>(() => new HttpClient(_handlerFactory(u), disposeHandler: true)
        {
            Timeout = Timeout.InfiniteTimeSpan, // streams of any length; callers cancel
        })).Value;
    }

    private async Task<string?> AskDataUrlAsync(string endpoint)
    {
        try
        {
            var status = await Get(endpoint).GetNodeStatusAsync(new GetNodeStatusRequest(), deadline: DateTime.UtcNow.AddSeconds(5));
            return string.IsNullOrEmpty(status.DataUrl) ? "" : status.DataUrl;
        }
        catch (Grpc.Core.RpcException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var channel in _channels.Values)
        {
            if (channel.IsValueCreated)
            {
                channel.Value.Dispose();
            }
        }

        _channels.Clear();
        foreach (var client in _dataClients.Values)
        {
            if (client.IsValueCreated)
            {
                client.Value.Dispose();
            }
        }

        _dataClients.Clear();
    }

    private GrpcChannel CreateChannel(string endpoint) =>
        GrpcChannel.ForAddress(endpoint, new GrpcChannelOptions
        {
            HttpHandler = _handlerFactory(endpoint),
            DisposeHttpClient = true,
            MaxReceiveMessageSize = MaxMessageBytes,
            MaxSendMessageSize = MaxMessageBytes,
            LoggerFactory = _loggerFactory,
        });

    private static SocketsHttpHandler CreateSocketsHandler() => new()
    {
        // Many concurrent shard streams to one node must not queue behind one connection's stream limit.
        EnableMultipleHttp2Connections = true,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        KeepAlivePingDelay = TimeSpan.FromSeconds(30),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        UseProxy = false, // node to node traffic never leaves the cluster
        // The default 64 KiB window with loopback round trips halves a single shard stream's throughput.
        InitialHttp2StreamWindowSize = 8 * 1024 * 1024,
    };
}
