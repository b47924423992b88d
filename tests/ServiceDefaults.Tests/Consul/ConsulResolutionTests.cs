using Cairn.ServiceDefaults.Discovery.Consul;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.ServiceDiscovery;

namespace Cairn.ServiceDefaults.Tests.Consul;

public sealed class ConsulResolutionTests : IAsyncLifetime
{
    private FakeConsul _consul = null!;

    public async Task InitializeAsync() => _consul = await FakeConsul.StartAsync();

    public async Task DisposeAsync() => await _consul.DisposeAsync();

    [Fact]
    public async Task ConsulResolver_Resolve_ReturnsOnlyPassingInstancesOnTheirNamedPorts()
    {
        _consul.AddInstance("placement-a", "placement", 7000, meta: new() { ["grpc-port"] = "7001" });
        _consul.AddInstance("placement-b", "placement", 7100, status: "critical", meta: new() { ["grpc-port"] = "7101" });
        _consul.AddInstance("namespace-a", "namespace", 7200, meta: new() { ["grpc-port"] = "7201" });
        await using var sp = Discovery();

        Assert.Equal(["http://127.0.0.1:7001/"], await ResolveAsync(sp, "http://_grpc.placement"));
        Assert.Equal(["http://127.0.0.1:7000/"], await ResolveAsync(sp, "http://_http.placement"));
    }

    [Fact]
    public async Task ConsulResolver_BlockingQuery_DeliversAddRemoveAndFlappingWithoutPolling()
    {
        _consul.AddInstance("placement-a", "placement", 7000, meta: new() { ["grpc-port"] = "7001" });
        await using var sp = Discovery(); // polling period of an hour: only the change token can bring news
        Assert.Equal(["http://127.0.0.1:7001/"], await ResolveAsync(sp, "http://_grpc.placement"));

        _consul.AddInstance("placement-b", "placement", 7100, meta: new() { ["grpc-port"] = "7101" });
        await ResolvesToAsync(sp, "http://127.0.0.1:7001/", "http://127.0.0.1:7101/");

        _consul.SetStatus("placement-b", "critical"); // b flaps down...
        await ResolvesToAsync(sp, "http://127.0.0.1:7001/");
        _consul.SetStatus("placement-b", "passing"); // ...and up again
        await ResolvesToAsync(sp, "http://127.0.0.1:7001/", "http://127.0.0.1:7101/");

        _consul.Remove("placement-a");
        await ResolvesToAsync(sp, "http://127.0.0.1:7101/");
    }

    [Fact]
    public async Task ConsulResolver_ConsulGoesDown_KeepsLastGoodAnswer()
    {
        _consul.AddInstance("placement-a", "placement", 7000, meta: new() { ["grpc-port"] = "7001" });
        await using var sp = Discovery(new() { ["services:placement:grpc:0"] = "http://127.0.0.1:9999" });
        Assert.Equal(["http://127.0.0.1:7001/"], await ResolveAsync(sp, "http://_grpc.placement"));

        await _consul.DisposeAsync();
        var watch = sp.GetRequiredService<ConsulServiceCatalog>().Watch("placement");
        await Poll.UntilAsync(() => watch.ConsecutiveFailures >= 2, "the watch to notice Consul is gone");

        // A resolver created now (a new endpoint name) still gets Consul's last answer, not the configuration.
        Assert.Equal(["http://127.0.0.1:7000/"], await ResolveAsync(sp, "http://_http.placement"));
        Assert.Equal(["http://127.0.0.1:7001/"], await ResolveAsync(sp, "http://_grpc.placement"));
    }

    [Fact]
    public async Task ConsulResolver_ConsulNeverAnswered_FallsBackToConfiguration()
    {
        await using var sp = Discovery(new()
        {
            ["CONSUL_HTTP_ADDR"] = $"127.0.0.1:{Poll.FreePort()}", // nobody listens there
            ["services:placement:grpc:0"] = "http://127.0.0.1:9999",
        });

        Assert.Equal(["http://127.0.0.1:9999/"], await ResolveAsync(sp, "http://_grpc.placement"));
    }

    [Fact]
    public async Task ConsulResolver_NoPassingInstance_FallsBackToConfiguration()
    {
        _consul.AddInstance("placement-a", "placement", 7000, status: "critical", meta: new() { ["grpc-port"] = "7001" });
        await using var sp = Discovery(new() { ["services:placement:grpc:0"] = "http://127.0.0.1:9999" });

        Assert.Equal(["http://127.0.0.1:9999/"], await ResolveAsync(sp, "http://_grpc.placement"));
        _consul.SetStatus("placement-a", "passing");
        await ResolvesToAsync(sp, "http://127.0.0.1:7001/");
    }

    [Fact]
    public async Task ConsulResolver_HttpClient_SendsToTheConsulResolvedInstance()
    {
        var port = Poll.FreePort();
        await using var target = TestApp.Create("placement", _ => { }, new() { ["Cairn:HttpPort"] = $"{port}" }, testServer: false);
        await target.StartAsync();
        _consul.AddInstance("placement-a", "placement", port);
        await using var sp = Discovery(configure: s => s.AddHttpClient("c").AddServiceDiscovery());

        using var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient("c");
        var response = await http.GetAsync(new Uri("http://_http.placement/health"));

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ConsulMetrics_InstanceChanges_AreCountedPerService()
    {
        var changes = 0L;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ConsulMetrics.MeterName && instrument.Name == "cairn.consul.instances.changes")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "service", Value: "metrics-probe" })
                {
                    Interlocked.Add(ref changes, value);
                }
            }
        });
        listener.Start();
        _consul.AddInstance("metrics-probe-a", "metrics-probe", 7000);
        await using var sp = Discovery();

        await ResolveAsync(sp, "http://_http.metrics-probe");
        _consul.AddInstance("metrics-probe-b", "metrics-probe", 7100);

        await Poll.UntilAsync(() => Interlocked.Read(ref changes) == 2, "the first answer and the added instance to be counted");
    }

    [Fact]
    public void ConsulDiscovery_WithoutConsulAddress_AddsNothing()
    {
        var config = new ConfigurationBuilder().Build();
        var services = new ServiceCollection().AddConsulDiscovery(config);

        Assert.DoesNotContain(services, d => d.ServiceType == typeof(IServiceEndpointProviderFactory));
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(ConsulRegistrar));
    }

    [Theory]
    [InlineData("placement", true)]
    [InlineData("background-ops", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("localhost", false)]
    [InlineData("example.com", false)]
    [InlineData("consul", false)] // Consul's own host is never resolved through Consul
    public void ConsulServiceEndpointProviderFactory_IsServiceName_OnlyBareServiceNames(string name, bool expected) =>
        Assert.Equal(expected, ConsulServiceEndpointProviderFactory.IsServiceName(name, new Uri("http://consul:8500/")));

    [Theory]
    [InlineData("consul:8500", "http://consul:8500/")]
    [InlineData("http://127.0.0.1:8500", "http://127.0.0.1:8500/")]
    [InlineData("https://c.example:8501/", "https://c.example:8501/")]
    public void ConsulOptions_ParseAddress_AcceptsHostPortAndUrls(string value, string expected) =>
        Assert.Equal(new Uri(expected), ConsulOptions.ParseAddress(value));

    private ServiceProvider Discovery(Dictionary<string, string?>? extra = null, Action<IServiceCollection>? configure = null)
    {
        var values = new Dictionary<string, string?> { ["CONSUL_HTTP_ADDR"] = _consul.Address.ToString() };
        foreach (var (k, v) in extra ?? [])
        {
            values[k] = v;
        }

        var config = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(config);
        services.AddServiceDiscovery(o => o.RefreshPeriod = TimeSpan.FromHours(1));
        services.AddConsulDiscovery(config); // deliberately after: it must still resolve ahead of configuration
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }

    private static async Task<List<string>> ResolveAsync(IServiceProvider sp, string serviceUri)
    {
        using var cts = new CancellationTokenSource(Poll.Timeout);
        var source = await sp.GetRequiredService<ServiceEndpointResolver>().GetEndpointsAsync(serviceUri, cts.Token);
        return source.Endpoints.Select(e => ((UriEndPoint)e.EndPoint).Uri.ToString()).Order(StringComparer.Ordinal).ToList();
    }

    private static Task ResolvesToAsync(IServiceProvider sp, params string[] expected) =>
        Poll.UntilAsync(async () => (await ResolveAsync(sp, "http://_grpc.placement")).SequenceEqual(expected),
            $"_grpc.placement to resolve to {string.Join(", ", expected)}");
}
