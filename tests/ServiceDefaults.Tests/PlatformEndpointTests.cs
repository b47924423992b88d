using System.Net;
using System.Text.Json;
using Cairn.Namespace.V1;
using Cairn.ServiceDefaults.Dashboard;
using Cairn.ServiceDefaults.Events;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Cairn.ServiceDefaults.Tests;

public class PlatformEndpointTests
{
    [Fact]
    public async Task MapDefaultEndpoints_HealthMetricsDashboard_Answer()
    {
        await using var app = TestApp.Create("svc", _ => { });
        await app.StartAsync();
        var http = app.GetTestClient();

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/alive", UriKind.Relative))).StatusCode);
        var metrics = await http.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        var page = await http.GetStringAsync(new Uri("/dashboard", UriKind.Relative));
        Assert.Contains("<title>Cairn · svc</title>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", page.Replace("http://www.w3.org", "", StringComparison.Ordinal), StringComparison.Ordinal); // self-contained: no CDN
    }

    [Fact]
    public async Task Dashboard_Status_ServesTheSourceModel()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.AddServiceDefaults("svc");
        builder.Services.AddDashboard<FixedSource>();
        await using var app = builder.Build();
        app.MapDefaultEndpoints();
        await app.StartAsync();

        using var doc = JsonDocument.Parse(await app.GetTestClient().GetStringAsync(new Uri("/dashboard/status", UriKind.Relative)));
        var model = doc.RootElement.GetProperty("model");
        Assert.Equal("svc", doc.RootElement.GetProperty("service").GetString());
        Assert.Equal("Fixed", model.GetProperty("title").GetString());
        Assert.Equal("42", model.GetProperty("stats")[0].GetProperty("value").GetString());
        Assert.Equal(0.5, model.GetProperty("grid").GetProperty("cells")[0].GetProperty("value").GetDouble());
    }

    [Fact]
    public async Task DaprSubscribe_ListsDeclaredSubscriptions()
    {
        await using var app = TestApp.Create("svc", a =>
            a.MapEventSubscription<ObjectGarbageEvent>("object-garbage", "/events/garbage", (_, _, _) => Task.CompletedTask));
        await app.StartAsync();

        using var doc = JsonDocument.Parse(await app.GetTestClient().GetStringAsync(new Uri("/dapr/subscribe", UriKind.Relative)));
        var sub = Assert.Single(doc.RootElement.EnumerateArray());
        Assert.Equal("pubsub", sub.GetProperty("pubsubname").GetString());
        Assert.Equal("object-garbage", sub.GetProperty("topic").GetString());
        Assert.Equal("/events/garbage", sub.GetProperty("route").GetString());
    }

    [Fact]
    public async Task EventRoute_MalformedEvent_IsDroppedNotRetried()
    {
        var calls = 0;
        await using var app = TestApp.Create("svc", a =>
            a.MapEventSubscription<ObjectGarbageEvent>("t", "/e", (_, _, _) => { calls++; return Task.CompletedTask; }));
        await app.StartAsync();

        using var content = new StringContent("""{"specversion":"1.0","id":"x","data":{"bucket":17,"layouts":"nope"}}""", System.Text.Encoding.UTF8, CloudEvent.ContentType);
        var response = await app.GetTestClient().PostAsync(new Uri("/e", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("DROP", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, calls);
    }

    private sealed class FixedSource : IDashboardSource
    {
        public Task<DashboardModel> GetDashboardAsync(CancellationToken ct) => Task.FromResult(new DashboardModel("Fixed")
        {
            Stats = [new DashboardStat("answer", "42")],
            Grid = new DashboardGrid("heat", [new DashboardCell("d1", 0.5, "half")]),
        });
    }
}
