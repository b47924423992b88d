using Microsoft.Extensions.DependencyInjection.Extensions;
using Cairn.Heat.V1;
using Cairn.Placement.Choice;
using Cairn.Placement.Grpc;
using Cairn.Placement.Inventory;
using Cairn.ServiceDefaults.Dashboard;
using Cairn.ServiceDefaults.Events;

namespace Cairn.Placement;

public static class PlacementExtensions
{
    /// <summary>Placement's own registrations, all settings from configuration.</summary>
    public static WebApplicationBuilder AddPlacement(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var dataDir = config["Cairn:DataDir"];
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new InventoryOptions
        {
            HeartbeatTimeout = TimeSpan.FromSeconds(config.GetValue("Cairn:HeartbeatTimeoutSeconds", 10.0)),
            FilePath = string.IsNullOrEmpty(dataDir) ? null : Path.Combine(dataDir, "placement.json"),
            ConfiguredHeartbeatInterval = config.GetValue<double?>("Cairn:HeartbeatIntervalMs") is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
        });
        builder.Services.AddSingleton(new ChooserOptions
        {
            ReserveBytes = config.GetValue("Cairn:Placement:ReserveBytes", 64UL * 1024 * 1024),
            HeatTolerance = config.GetValue("Cairn:Placement:HeatTolerance", 0.25),
            HeatFloor = config.GetValue("Cairn:Placement:HeatFloor", 5.0),
        });
        builder.Services.AddSingleton(sp => new DiskInventory(sp.GetRequiredService<InventoryOptions>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp => new ShardSetChooser(sp.GetRequiredService<ChooserOptions>(), Random.Shared));
        builder.Services.AddSingleton<ShardSetPlacer>();
        builder.Services.AddSingleton<PlacementMetrics>();
        builder.Services.AddDashboard<PlacementDashboard>();
        return builder;
    }

    public static WebApplication MapPlacement(this WebApplication app)
    {
        app.MapGrpcService<PlacementService>();
        // Heat-monitor also pushes every disk's heat through ReportDiskHeat; the event makes a turn hot prompt.
        app.MapEventSubscription<DiskHotEvent>("disk-heat", "/events/disk-heat", (e, sp, _) =>
        {
            sp.GetRequiredService<DiskInventory>().ReportHeat([new DiskHeatReport(e.DiskId, e.Heat, e.Hot)]);
            return Task.CompletedTask;
        });
        return app;
    }
}
