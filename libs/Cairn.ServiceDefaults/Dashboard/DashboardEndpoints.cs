using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cairn.ServiceDefaults.Dashboard;

public static class DashboardEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly Lazy<string> Page = new(() =>
    {
        using var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream("Cairn.ServiceDefaults.dashboard.html")
            ?? throw new InvalidOperationException("dashboard.html is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>Registers the service's dashboard source.</summary>
    public static IServiceCollection AddDashboard<TSource>(this IServiceCollection services) where TSource : class, IDashboardSource
    {
        services.RemoveAll<IDashboardSource>();
        services.AddSingleton<TSource>();
        services.AddSingleton<IDashboardSource>(sp => sp.GetRequiredService<TSource>());
        if (typeof(IDashboardSampler).IsAssignableFrom(typeof(TSource)))
        {
            services.AddSingleton(sp => (IDashboardSampler)sp.GetRequiredService<TSource>());
        }

        return services;
    }

    internal static void AddDashboardCore(this IServiceCollection services)
    {
        services.TryAddSingleton<IDashboardSource, EmptyDashboardSource>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHostedService<DashboardSampling>();
    }

    internal static void MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapGet("/dashboard", (ServiceIdentity id) =>
            Results.Content(Page.Value.Replace("{{SERVICE}}", System.Net.WebUtility.HtmlEncode(id.ServiceName), StringComparison.Ordinal),
                "text/html; charset=utf-8"));
        app.MapGet("/dashboard/status", async (IDashboardSource source, ServiceIdentity id, CancellationToken ct) =>
        {
            var model = await source.GetDashboardAsync(ct);
            return Results.Json(new
            {
                service = id.ServiceName,
                instance = id.InstanceId,
                uptimeSeconds = (long)(DateTimeOffset.UtcNow - id.StartedAt).TotalSeconds,
                version = Assembly.GetEntryAssembly()?.GetName().Version?.ToString(),
                model,
            }, Json);
        });
    }

    private sealed class EmptyDashboardSource(ServiceIdentity id) : IDashboardSource
    {
        public Task<DashboardModel> GetDashboardAsync(CancellationToken ct) => Task.FromResult(new DashboardModel(id.ServiceName));
    }
}
