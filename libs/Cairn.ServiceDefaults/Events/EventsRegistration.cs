using Cairn.ServiceDefaults.Events.Dapr;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cairn.ServiceDefaults.Events;

internal static class EventsRegistration
{
    public static void AddCairnEvents(this IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton<EventSubscriptionRegistry>();
        services.AddHttpClient("cairn-events", c => c.Timeout = TimeSpan.FromSeconds(10));
        if (DaprSidecar.IsPresent(config))
        {
            // With a sidecar Dapr delivers to our routes itself; running the direct transport too would deliver twice.
            services.AddDaprEvents(config);
            return;
        }

        services.AddSingleton<DirectEventTransport>();
        services.AddSingleton<IEventPublisher>(sp => sp.GetRequiredService<DirectEventTransport>());
        services.AddHostedService(sp => sp.GetRequiredService<DirectEventTransport>());
    }
}
