using System.Net;
using Cairn.ServiceDefaults.Dashboard;
using Cairn.ServiceDefaults.Discovery.Consul;
using Cairn.ServiceDefaults.Events;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Cairn.ServiceDefaults;

/// <summary>The single platform entry point every service calls once.</summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>
    /// Kestrel endpoints, telemetry, health, discovery, events and the dashboard.
    /// Two listeners because cleartext HTTP/2 (gRPC) needs a prior-knowledge endpoint of its own:
    /// <c>Cairn:HttpPort</c> (HTTP/1.1: health, metrics, dashboard, event routes), <c>Cairn:GrpcPort</c> (HTTP/2),
    /// and optionally <c>Cairn:PublicPort</c> (HTTP/1.1: a public API such as S3, kept apart from platform paths).
    /// </summary>
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder, string serviceName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var identity = new ServiceIdentity(serviceName, builder.Configuration["Cairn:NodeId"] ?? serviceName, DateTimeOffset.UtcNow);
        builder.Services.AddSingleton(identity);

        ConfigureKestrel(builder);
        builder.AddCairnTelemetry(identity);

        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = GrpcLimits.MaxMessageBytes;
            o.MaxSendMessageSize = GrpcLimits.MaxMessageBytes;
        });
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        builder.Services.AddGrpcHealthChecks();

        builder.Services.AddConsulDiscovery(builder.Configuration); // only with CONSUL_HTTP_ADDR; resolves ahead of configuration
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http => http.AddServiceDiscovery());

        builder.Services.AddCairnEvents(builder.Configuration);
        builder.Services.AddDashboardCore();
        return builder;
    }

    /// <summary>Health, metrics, dashboard, event subscription document and gRPC health.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGrpcHealthChecksService();

        // With a public API port (the frontend's S3 listener), platform paths answer only on the HTTP port, so
        // that a bucket called "health" or "metrics" is never shadowed.
        var platform = app.MapGroup("");
        if (app.Configuration.GetValue<int?>("Cairn:PublicPort") is not null && app.Configuration.GetValue<int?>("Cairn:HttpPort") is { } hp)
        {
            platform.RequireHost($"*:{hp}");
        }

        platform.MapHealthChecks("/health");
        platform.MapHealthChecks("/alive", new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") });
        platform.MapPrometheusScrapingEndpoint("/metrics");
        platform.MapDashboard();
        platform.MapEventSubscriptionDocument();
        return app;
    }

    private static void ConfigureKestrel(WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var httpPort = config.GetValue<int?>("Cairn:HttpPort");
        var grpcPort = config.GetValue<int?>("Cairn:GrpcPort");
        var publicPort = config.GetValue<int?>("Cairn:PublicPort");
        if (httpPort is null && grpcPort is null && publicPort is null)
        {
            return; // hosted by a test server or configured through Kestrel:Endpoints
        }

        var address = IPAddress.Parse(config["Cairn:BindAddress"] ?? "127.0.0.1");
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = null; // S3 objects are streamed; limits are enforced per operation
            // Bulk responses (S3 GET, shard reads) are written a block (1 MiB) at a time. With Kestrel's 64 KiB default
            // the writer waits for the socket after every block and only then fetches the next; two blocks of room
            // let the next block be read while the last is still being sent.
            kestrel.Limits.MaxResponseBufferSize = config.GetValue<long?>("Cairn:ResponseBufferBytes") ?? 2 * 1024 * 1024;
            if (httpPort is { } hp)
            {
                kestrel.Listen(address, hp, o => o.Protocols = HttpProtocols.Http1);
            }

            if (publicPort is { } pp)
            {
                kestrel.Listen(address, pp, o => o.Protocols = HttpProtocols.Http1);
            }

            if (grpcPort is { } gp)
            {
                kestrel.Listen(address, gp, o => o.Protocols = HttpProtocols.Http2);
            }
        });
    }
}

/// <summary>Who this process is: service name, instance (node) id and start time.</summary>
public sealed record ServiceIdentity(string ServiceName, string InstanceId, DateTimeOffset StartedAt);

/// <summary>Message size limits shared by every gRPC server and client (a shard block is at most a few MiB).</summary>
public static class GrpcLimits
{
    public const int MaxMessageBytes = 16 * 1024 * 1024;
}
