using System.Diagnostics.CodeAnalysis;
using System.Net;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.ServiceDiscovery;

namespace Cairn.ServiceDefaults.Discovery.Consul;

/// <summary>
/// Resolves <c>http://_{endpoint}.{service}</c> through Consul. Registered ahead of the configuration provider,
/// which only answers when no earlier provider added endpoints: so configuration is the fallback while Consul has
/// never answered, or lists no passing instance.
/// </summary>
internal sealed class ConsulServiceEndpointProviderFactory(ConsulServiceCatalog catalog, IOptions<ConsulOptions> options) : IServiceEndpointProviderFactory
{
    public bool TryCreateProvider(ServiceEndpointQuery query, [NotNullWhen(true)] out IServiceEndpointProvider? provider)
    {
        provider = IsServiceName(query.ServiceName, options.Value.Address)
            ? new ConsulServiceEndpointProvider(query, catalog.Watch(query.ServiceName), options.Value.FirstAnswerTimeout)
            : null;
        return provider is not null;
    }

    /// <summary>
    /// Only bare service names go to Consul: literal addresses, DNS names and Consul's own host pass through
    /// (asking Consul where Consul is would loop, and every plain URL would start a pointless watch).
    /// </summary>
    internal static bool IsServiceName(string name, Uri? consul) =>
        !string.IsNullOrEmpty(name)
        && !name.Contains('.', StringComparison.Ordinal)
        && !name.Contains(':', StringComparison.Ordinal)
        && !string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase)
        && !string.Equals(name, consul?.Host, StringComparison.OrdinalIgnoreCase)
        && !IPAddress.TryParse(name, out _);
}

internal sealed class ConsulServiceEndpointProvider(ServiceEndpointQuery query, ConsulServiceWatch watch, TimeSpan firstAnswerTimeout)
    : IServiceEndpointProvider
{
    public async ValueTask PopulateAsync(IServiceEndpointBuilder endpoints, CancellationToken cancellationToken)
    {
        if (endpoints.Endpoints.Count != 0)
        {
            return; // an override ahead of us answered
        }

        if (!watch.FirstAttempt.IsCompleted)
        {
            try
            {
                await watch.FirstAttempt.WaitAsync(firstAnswerTimeout, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Consul is slow to answer: use configuration now; the change token below brings Consul's answer later.
            }
        }

        var snapshot = watch.Current;
        endpoints.AddChangeToken(snapshot.ChangeToken);
        if (snapshot.Instances is null)
        {
            return;
        }

        var scheme = query.IncludedSchemes.Count > 0 ? query.IncludedSchemes[0] : Uri.UriSchemeHttp;
        foreach (var instance in snapshot.Instances)
        {
            if (instance.PortFor(query.EndpointName) is not { } port)
            {
                continue; // this instance does not expose the requested endpoint
            }

            var endpoint = ServiceEndpoint.Create(new UriEndPoint(new UriBuilder(scheme, instance.Address, port).Uri));
            endpoint.Features.Set<IServiceEndpointProvider>(this);
            endpoints.Endpoints.Add(endpoint);
        }
    }

    public ValueTask DisposeAsync() => default; // the watch is shared and owned by the catalog

    public override string ToString() => "Consul";
}
