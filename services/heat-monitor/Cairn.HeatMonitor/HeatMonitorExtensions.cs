using Microsoft.Extensions.DependencyInjection.Extensions;
using Cairn.HeatMonitor.Grpc;
using Cairn.HeatMonitor.Heat;
using Cairn.HeatMonitor.Publishing;
using Cairn.ServiceDefaults;
using Cairn.ServiceDefaults.Dashboard;
using PlacementApi = Cairn.Placement.V1.Placement;

namespace Cairn.HeatMonitor;

public static class HeatMonitorExtensions
{
    /// <summary>Heat monitor's own registrations, all settings from configuration.</summary>
    public static WebApplicationBuilder AddHeatMonitor(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new HeatOptions
        {
            HalfLife = TimeSpan.FromSeconds(config.GetValue("Cairn:HeatHalfLifeSeconds", 10.0)),
            HotFloor = config.GetValue("Cairn:HotFloorOpsPerSecond", 60.0),
            HotFactor = config.GetValue("Cairn:HotFactor", 2.0),
        });
        builder.Services.AddSingleton(new PushOptions
        {
            Interval = TimeSpan.FromSeconds(config.GetValue("Cairn:HeatPushIntervalSeconds", 2.0)),
            WatchInterval = TimeSpan.FromMilliseconds(config.GetValue("Cairn:HeatWatchIntervalMs", 1000.0)),
        });
        builder.Services.AddSingleton<HeatTracker>();
        builder.Services.AddSingleton<HeatMonitorMetrics>();
        builder.Services.AddSingleton<HotDiskAnnouncer>();
        builder.Services.AddSingleton<HeatIntake>();
        builder.Services.AddServiceClient<PlacementApi.PlacementClient>("placement");
        builder.Services.AddHostedService<PlacementHeatPusher>();
        builder.Services.AddDashboard<HeatMonitorDashboard>();
        return builder;
    }

    public static WebApplication MapHeatMonitor(this WebApplication app)
    {
        app.MapGrpcService<HeatMonitorService>();
        return app;
    }
}
