using System.Text.Json.Serialization;

namespace Cairn.ServiceDefaults.Discovery.Consul;

// The few Consul agent API shapes we use (https://developer.hashicorp.com/consul/api-docs), PascalCase as on the wire.

/// <summary>Body of <c>PUT /v1/agent/service/register</c>.</summary>
public sealed record ConsulServiceRegistration(
    [property: JsonPropertyName("ID")] string Id,
    [property: JsonPropertyName("Name")] string Name,
    [property: JsonPropertyName("Address")] string Address,
    [property: JsonPropertyName("Port")] int Port,
    [property: JsonPropertyName("Tags")] IReadOnlyList<string> Tags,
    [property: JsonPropertyName("Meta")] IReadOnlyDictionary<string, string> Meta,
    [property: JsonPropertyName("Check")] ConsulHttpCheck Check);

/// <summary>An HTTP health check run by the agent. Durations use Consul's Go syntax ("10s", "1m").</summary>
public sealed record ConsulHttpCheck(
    [property: JsonPropertyName("HTTP")] string Http,
    [property: JsonPropertyName("Interval")] string Interval,
    [property: JsonPropertyName("Timeout")] string Timeout,
    [property: JsonPropertyName("DeregisterCriticalServiceAfter")] string DeregisterCriticalServiceAfter);

/// <summary>One element of <c>GET /v1/health/service/{name}</c>.</summary>
internal sealed record ConsulHealthEntry(
    [property: JsonPropertyName("Node")] ConsulNode? Node,
    [property: JsonPropertyName("Service")] ConsulAgentService? Service);

internal sealed record ConsulNode(
    [property: JsonPropertyName("Node")] string? Name,
    [property: JsonPropertyName("Address")] string? Address);

internal sealed record ConsulAgentService(
    [property: JsonPropertyName("ID")] string? Id,
    [property: JsonPropertyName("Service")] string? Service,
    [property: JsonPropertyName("Address")] string? Address,
    [property: JsonPropertyName("Port")] int Port,
    [property: JsonPropertyName("Tags")] List<string>? Tags,
    [property: JsonPropertyName("Meta")] Dictionary<string, string>? Meta);

/// <summary>A passing instance as we use it: where it is, and the named ports from its metadata.</summary>
public sealed record ConsulServiceInstance(string Id, string Address, int Port, IReadOnlyDictionary<string, string> Meta)
{
    /// <summary>Metadata key holding the port of a named endpoint, e.g. <c>grpc-port</c>.</summary>
    public static string PortMetaKey(string endpointName) => endpointName + "-port";

    /// <summary>
    /// The port of a named endpoint: "http" (or none) is the registered service port, any other name comes from
    /// the <c>{name}-port</c> metadata; null when this instance does not expose that endpoint.
    /// </summary>
    public int? PortFor(string? endpointName)
    {
        if (string.IsNullOrEmpty(endpointName) || endpointName == "http")
        {
            return Port;
        }

        return Meta.TryGetValue(PortMetaKey(endpointName), out var text) && int.TryParse(text, out var port) ? port : null;
    }
}
