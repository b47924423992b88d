using System.Globalization;
using Dapr.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cairn.ServiceDefaults.Events.Dapr;

/// <summary>
/// Detects a Dapr sidecar from the variables daprd sets for its app (<c>DAPR_HTTP_PORT</c>, <c>DAPR_GRPC_PORT</c>,
/// or explicit <c>DAPR_GRPC_ENDPOINT</c>) and wires events through it. Read from configuration, so command-line
/// and test settings work as well as the environment.
/// </summary>
public static class DaprSidecar
{
    public const int DefaultGrpcPort = 50001;
    public const int DefaultHttpPort = 3500;

    public static bool IsPresent(IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return !string.IsNullOrWhiteSpace(config["DAPR_HTTP_PORT"])
            || !string.IsNullOrWhiteSpace(config["DAPR_GRPC_PORT"])
            || !string.IsNullOrWhiteSpace(config["DAPR_GRPC_ENDPOINT"]);
    }

    /// <summary>The sidecar's gRPC endpoint: publishing in Dapr.Client goes over gRPC, whatever the HTTP endpoint.</summary>
    public static Uri GrpcEndpoint(IConfiguration config) => Endpoint(config, "DAPR_GRPC_ENDPOINT", "DAPR_GRPC_PORT", DefaultGrpcPort);

    public static Uri HttpEndpoint(IConfiguration config) => Endpoint(config, "DAPR_HTTP_ENDPOINT", "DAPR_HTTP_PORT", DefaultHttpPort);

    /// <summary>Replaces the direct transport: publishing goes to the sidecar; subscriptions are unchanged.</summary>
    internal static void AddDaprEvents(this IServiceCollection services, IConfiguration config)
    {
        services.TryAddSingleton(_ =>
        {
            var builder = new DaprClientBuilder()
                .UseGrpcEndpoint(GrpcEndpoint(config).ToString())
                .UseHttpEndpoint(HttpEndpoint(config).ToString())
                .UseTimeout(TimeSpan.FromSeconds(10));
            if (config["DAPR_API_TOKEN"] is { Length: > 0 } token)
            {
                builder.UseDaprApiToken(token);
            }

            return builder.Build();
        });
        services.AddMetrics();
        services.AddSingleton<DaprEventPublisher>();
        services.AddSingleton<IEventPublisher>(sp => sp.GetRequiredService<DaprEventPublisher>());
        services.AddHostedService(sp => sp.GetRequiredService<DaprEventPublisher>());
    }

    private static Uri Endpoint(IConfiguration config, string endpointKey, string portKey, int defaultPort)
    {
        if (config[endpointKey] is { Length: > 0 } endpoint)
        {
            return new Uri(endpoint);
        }

        var port = int.TryParse(config[portKey], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : defaultPort;
        return new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
    }
}
