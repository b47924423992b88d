using Cairn.Namespace.Dashboard;
using Cairn.Namespace.Domain;
using Cairn.Namespace.Events;
using Cairn.Namespace.Grpc;
using Cairn.Namespace.Store;
using Cairn.Namespace.Store.Postgres;
using Cairn.Namespace.Store.Sqlite;
using Cairn.Namespace.Telemetry;
using Cairn.ServiceDefaults.Dashboard;

namespace Cairn.Namespace;

/// <summary>The namespace service's own registrations.</summary>
public static class NamespaceServiceExtensions
{
    /// <summary>
    /// Registers the domain over PostgreSQL when a connection string is configured
    /// (<c>ConnectionStrings:Namespace</c> or <c>Cairn:Namespace:Postgres</c>), otherwise over the embedded SQLite
    /// backend at <c>Cairn:DataDir/namespace.db</c> (default ./.data/namespace).
    /// </summary>
    public static IServiceCollection AddNamespace(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<NamespaceMetrics>();
        services.AddSingleton<INamespaceStore>(sp => OpenStore(configuration, sp.GetRequiredService<NamespaceMetrics>()));
        services.AddSingleton<IGarbageSink, EventBusGarbageSink>();
        services.AddSingleton<NamespaceService>();
        services.AddDashboard<NamespaceDashboard>();
        return services;
    }

    /// <summary>The backend the configuration asks for.</summary>
    public static INamespaceStore OpenStore(IConfiguration configuration, NamespaceMetrics? metrics = null) =>
        PostgresConnectionString(configuration) is { } postgres
            ? PostgresNamespaceStore.Open(postgres, metrics)
            : SqliteNamespaceStore.Open(configuration["Cairn:DataDir"] ?? Path.Combine(".data", "namespace"));

    public static string? PostgresConnectionString(IConfiguration configuration) =>
        new[] { configuration.GetConnectionString("Namespace"), configuration["Cairn:Namespace:Postgres"] }
            .FirstOrDefault(s => !string.IsNullOrWhiteSpace(s));

    public static WebApplication MapNamespace(this WebApplication app)
    {
        app.MapGrpcService<NamespaceGrpcService>();
        return app;
    }
}
