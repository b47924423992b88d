using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Cairn.Namespace.V1;
using Cairn.ServiceDefaults.Events;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cairn.ServiceDefaults.Tests;

public class DirectEventTransportTests
{
    [Fact]
    public async Task DirectTransport_Publish_DeliversCloudEventToSubscriberRouteAndRetries()
    {
        var received = new ConcurrentQueue<ObjectGarbageEvent>();
        var failuresLeft = 2; // the subscriber fails twice: the transport must retry until it succeeds
        var port = FreePort();
        await using var subscriber = TestApp.Create("background-ops", a =>
        {
            a.MapEventSubscription<ObjectGarbageEvent>("object-garbage", "/events/garbage", (e, _, _) =>
            {
                if (Interlocked.Decrement(ref failuresLeft) >= 0)
                {
                    throw new InvalidOperationException("transient");
                }

                received.Enqueue(e);
                return Task.CompletedTask;
            });
        }, new() { ["Cairn:HttpPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) }, testServer: false);
        await subscriber.StartAsync();

        await using var publisher = TestApp.Create("namespace", _ => { }, new()
        {
            ["services:background-ops:http:0"] = $"http://127.0.0.1:{port}",
        });
        await publisher.StartAsync();

        var evt = new ObjectGarbageEvent { Bucket = "b", Key = "k", Reason = "deleted" };
        await publisher.Services.GetRequiredService<IEventPublisher>().PublishAsync("object-garbage", evt);

        await Eventually(() => !received.IsEmpty, TimeSpan.FromSeconds(30));
        Assert.Equal(evt, Assert.Single(received));
        Assert.True(failuresLeft < 0);
    }

    [Fact]
    public void EventPeers_ComeFromDiscoveryConfiguration()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["services:a:http:0"] = "http://127.0.0.1:1",
            ["services:a:grpc:0"] = "http://127.0.0.1:2",
            ["services:b:grpc:0"] = "http://127.0.0.1:3",
        }).Build();
        Assert.Equal(["a"], DirectEventTransport.EventPeers(config));
    }

    private static async Task Eventually(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(20);
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
