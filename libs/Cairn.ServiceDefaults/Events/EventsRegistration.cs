using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cairn.ServiceDefaults.Events;

internal static class EventsRegistration
{
    public static void AddCairnEvents(this IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton<EventSubscriptionRegistry>();
        services.AddHttpClient("cairn-events", c => c.Timeout = TimeSpan.FromSeconds(10));
        services.AddSingleton<DirectEventTransport>();
        services.AddSingleton<IEventPublisher>(sp => sp.GetRequiredService<DirectEventTransport>());
        services.AddHostedService(sp => sp.GetRequiredService<DirectEventTransport>());
    }
}
