using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.ServiceDiscovery;

namespace Cairn.ServiceDefaults.Discovery.Consul;

public static class ConsulDiscoveryExtensions
{
    /// <summary>
    /// When <c>CONSUL_HTTP_ADDR</c> is set: register this instance with a health check, deregister on shutdown, and
    /// resolve other services through Consul ahead of configuration. Without it, nothing is registered.
    /// </summary>
    public static IServiceCollection AddConsulDiscovery(this IServiceCollection services, IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(config);
        services.AddOptions<ConsulOptions>().Configure(o => o.Bind(config));
        if (ConsulOptions.ParseAddress(config["CONSUL_HTTP_ADDR"]) is null)
        {
            return services;
        }

        services.AddSingleton(sp => new ConsulClient(sp.GetRequiredService<IOptions<ConsulOptions>>().Value));
        services.AddMetrics();
        services.AddSingleton<ConsulMetrics>();
        services.AddSingleton<ConsulServiceCatalog>();
        services.AddSingleton<ConsulRegistrar>();
        services.AddHostedService(sp => sp.GetRequiredService<ConsulRegistrar>());

        // Providers are consulted in registration order and the configuration provider only answers when nobody
        // before it did: Consul goes first whatever order the caller registered discovery in.
        services.Insert(0, ServiceDescriptor.Singleton<IServiceEndpointProviderFactory, ConsulServiceEndpointProviderFactory>());
        return services;
    }

    /// <summary>
    /// Adds metadata to this instance's Consul registration (e.g. a storage node's disks). Harmless without Consul.
    /// Consul limits metadata to 64 keys of at most 128 characters with values of at most 512.
    /// </summary>
    public static IServiceCollection AddConsulMetadata(this IServiceCollection services, Action<IServiceProvider, IDictionary<string, string>> addMetadata)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.Configure<ConsulOptions>(o => o.MetadataProviders.Add(addMetadata));
        return services;
    }
}
