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
    };
}
