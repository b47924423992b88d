using Microsoft.Extensions.DependencyInjection;

namespace Cairn.ServiceDefaults;

/// <summary>gRPC clients addressed by service name, resolved through Microsoft.Extensions.ServiceDiscovery
/// (configuration <c>services:{name}:grpc:0</c>, or Consul when configured).</summary>
public static class ServiceClientExtensions
{
    public static IHttpClientBuilder AddServiceClient<TClient>(this IServiceCollection services, string serviceName)
        where TClient : class
    {
        ArgumentNullException.ThrowIfNull(services);
        return services
            .AddGrpcClient<TClient>(o => o.Address = ServiceUri(serviceName, "grpc"))
            .ConfigureChannel(c =>
            {
                c.MaxReceiveMessageSize = GrpcLimits.MaxMessageBytes;
                c.MaxSendMessageSize = GrpcLimits.MaxMessageBytes;
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
                KeepAlivePingDelay = TimeSpan.FromSeconds(30),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            });
    }

    /// <summary>The logical URI of a named endpoint of a service, e.g. <c>http://_grpc.namespace</c>.</summary>
    public static Uri ServiceUri(string serviceName, string endpointName) => new($"http://_{endpointName}.{serviceName}");
}
