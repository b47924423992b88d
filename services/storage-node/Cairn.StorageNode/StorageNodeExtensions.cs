using Cairn.ServiceDefaults;
using Cairn.ServiceDefaults.Dashboard;
using Cairn.StorageNode.Disks;
using Cairn.StorageNode.Grpc;
using Cairn.StorageNode.Http;
using Cairn.StorageNode.Registration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using HeatMonitorClient = Cairn.Heat.V1.HeatMonitor.HeatMonitorClient;
using PlacementClient = Cairn.Placement.V1.Placement.PlacementClient;

namespace Cairn.StorageNode;

/// <summary>The storage node's registrations and endpoints.</summary>
public static class StorageNodeExtensions
{
    public static WebApplicationBuilder AddStorageNode(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddSingleton(StorageNodeOptions.FromConfiguration(builder.Configuration));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<StorageNodeMetrics>();
        services.AddSingleton(sp =>
        {
            var metrics = sp.GetRequiredService<StorageNodeMetrics>();
            var disks = DiskSet.Open(sp.GetRequiredService<StorageNodeOptions>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>(), metrics);
            metrics.ObserveDisks(disks);
            return disks;
        });

        services.AddSingleton<StorageErrorInterceptor>();
        services.AddGrpc().AddServiceOptions<StorageNodeService>(o => o.Interceptors.Add<StorageErrorInterceptor>());

        services.AddServiceClient<PlacementClient>("placement");
        services.AddServiceClient<HeatMonitorClient>("heat-monitor");
        services.AddHostedService<PlacementRegistration>();
        services.AddHostedService<HeatReporter>();
        services.AddHostedService<CorruptShardPublisher>();
        services.AddDashboard<StorageNodeDashboard>();
        return builder;
    }

    public static WebApplication MapStorageNode(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Open the disks now: a bad disk directory should stop the start, not the first request.
        _ = app.Services.GetRequiredService<DiskSet>();
        app.MapGrpcService<StorageNodeService>();
        ShardDataEndpoint.Map(app);
        return app;
    }
}
