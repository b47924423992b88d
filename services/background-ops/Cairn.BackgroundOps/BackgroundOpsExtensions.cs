using Cairn.BackgroundOps.Gateways;
using Cairn.BackgroundOps.Gc;
using Cairn.BackgroundOps.Grpc;
using Cairn.BackgroundOps.Jobs;
using Cairn.BackgroundOps.Repair;
using Cairn.BackgroundOps.Scrub;
using Cairn.Namespace.V1;
using Cairn.ServiceDefaults;
using Cairn.ServiceDefaults.Dashboard;
using Cairn.ServiceDefaults.Events;
using Cairn.StorageNode.Client;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NamespaceApi = Cairn.Namespace.V1.Namespace;
using PlacementApi = Cairn.Placement.V1.Placement;

namespace Cairn.BackgroundOps;

public static class BackgroundOpsExtensions
{
    /// <summary>Background-ops' own registrations, all settings from configuration.</summary>
    public static WebApplicationBuilder AddBackgroundOps(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(new BackgroundOpsOptions
        {
            GcInterval = TimeSpan.FromSeconds(config.GetValue("Cairn:GcIntervalSeconds", 60.0)),
            GcGrace = TimeSpan.FromSeconds(config.GetValue("Cairn:GcGraceSeconds", 300.0)),
            ScrubInterval = TimeSpan.FromSeconds(config.GetValue("Cairn:ScrubIntervalSeconds", 3600.0)),
            RetryInterval = TimeSpan.FromSeconds(config.GetValue("Cairn:GcRetryIntervalSeconds", 5.0)),
            MaxDeleteAttempts = config.GetValue("Cairn:GcMaxAttempts", 20),
            RepairInterval = TimeSpan.FromSeconds(config.GetValue("Cairn:RepairIntervalSeconds", 60.0)),
            RepairOfflineAfter = TimeSpan.FromSeconds(config.GetValue("Cairn:RepairOfflineAfterSeconds", 900.0)),
        });
        services.AddSingleton(sp =>
        {
            var metrics = new BackgroundOpsMetrics();
            metrics.ObserveQueue(() => sp.GetRequiredService<RetryQueue>().Count);
            return metrics;
        });

        // Gateways: placement and namespace by service discovery, storage nodes by the endpoints placement gives.
        services.AddServiceClient<PlacementApi.PlacementClient>("placement");
        services.AddServiceClient<NamespaceApi.NamespaceClient>("namespace");
        services.AddSingleton(sp => new StorageNodeClients(sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<IDiskDirectory, PlacementDiskDirectory>();
        services.AddSingleton<StorageNodeShards>();
        services.AddSingleton<IShardInventory>(sp => sp.GetRequiredService<StorageNodeShards>());
        services.AddSingleton<IShardDeleter>(sp => sp.GetRequiredService<StorageNodeShards>());
        services.AddSingleton<IDiskScrubber>(sp => sp.GetRequiredService<StorageNodeShards>());
        services.AddSingleton<IReferenceChecker, NamespaceReferenceChecker>();

        services.AddSingleton(sp => new RetryQueue(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<SuspectLedger>();
        services.AddSingleton<GarbageCollector>();
        services.AddSingleton<Reconciler>();
        services.AddSingleton<CorruptShardRegistry>();
        services.AddSingleton<ScrubRunner>();
        services.AddSingleton<IOpsJob, GcReconcileJob>();
        services.AddSingleton<IOpsJob, ScrubJob>();
        services.AddSingleton<GrpcRepairGateways>();
        services.AddSingleton<IRepairNamespace>(sp => sp.GetRequiredService<GrpcRepairGateways>());
        services.AddSingleton<IReplacementPlacement>(sp => sp.GetRequiredService<GrpcRepairGateways>());
        services.AddSingleton<IShardStreams>(sp => sp.GetRequiredService<GrpcRepairGateways>());
        services.AddSingleton<ShardRebuilder>();
        services.AddSingleton<RepairRunner>();
        services.AddSingleton<IOpsJob, RepairJob>();
        services.AddSingleton<JobRunner>();
        services.AddHostedService<JobScheduler>();
        services.AddDashboard<BackgroundOpsDashboard>();
        return builder;
    }

    public static WebApplication MapBackgroundOps(this WebApplication app)
    {
        app.MapGrpcService<BackgroundOpsService>();
        app.MapEventSubscription<ObjectGarbageEvent>(GarbageCollector.Topic, "/events/object-garbage",
            (garbage, sp, ct) => sp.GetRequiredService<GarbageCollector>().HandleAsync(garbage, ct));
        // A storage node found a corrupt shard on a read or its own scrub: the next repair pass rebuilds it.
        app.MapEventSubscription<Storage.V1.ShardCorruptEvent>("shard-corrupt", "/events/shard-corrupt", (corrupt, sp, _) =>
        {
            sp.GetRequiredService<CorruptShardRegistry>().Add(corrupt.DiskId, corrupt.ShardId, DateTimeOffset.FromUnixTimeMilliseconds(corrupt.DetectedUnixMs));
            sp.GetRequiredService<BackgroundOpsMetrics>().CorruptFound(1);
            return Task.CompletedTask;
        });
        return app;
    }
}
