using Cairn.ServiceDefaults.Discovery.Consul;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cairn.ServiceDefaults.Tests.Consul;

public sealed class ConsulRegistrationTests : IAsyncLifetime
{
    private FakeConsul _consul = null!;

    public async Task InitializeAsync() => _consul = await FakeConsul.StartAsync();

    public async Task DisposeAsync() => await _consul.DisposeAsync();

    [Fact]
    public async Task ConsulRegistrar_Lifecycle_RegistersWithHealthCheckThenDeregistersOnStop()
    {
        var (httpPort, grpcPort) = (Poll.FreePort(), Poll.FreePort());
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CONSUL_HTTP_ADDR"] = _consul.Address.ToString(),
            ["Cairn:HttpPort"] = $"{httpPort}",
            ["Cairn:GrpcPort"] = $"{grpcPort}",
            ["Cairn:NodeId"] = "node7",
        });
        builder.AddServiceDefaults("storage-node");
        builder.Services.AddConsulMetadata((_, meta) => meta["disks"] = "d0,d1");
        await using var app = builder.Build();
        app.MapDefaultEndpoints();
        await app.StartAsync();

        await Poll.UntilAsync(() => !_consul.Registrations.IsEmpty, "the registration");
        var body = Assert.Single(_consul.Registrations.Take(1));
        Assert.Equal("storage-node-node7", (string?)body["ID"]);
        Assert.Equal("storage-node", (string?)body["Name"]);
        Assert.Equal("127.0.0.1", (string?)body["Address"]);
        Assert.Equal(httpPort, (int?)body["Port"]);
        Assert.Contains($"grpc-port={grpcPort}", body["Tags"]!.AsArray().Select(t => (string?)t));
        Assert.Equal($"{grpcPort}", (string?)body["Meta"]!["grpc-port"]);
        Assert.Equal("node7", (string?)body["Meta"]!["node-id"]);
        Assert.Equal("d0,d1", (string?)body["Meta"]!["disks"]);
        var check = body["Check"]!.AsObject();
        Assert.Equal($"http://127.0.0.1:{httpPort}/health", (string?)check["HTTP"]);
        Assert.Equal("10s", (string?)check["Interval"]);
        Assert.Equal("5s", (string?)check["Timeout"]);
        Assert.Equal("60s", (string?)check["DeregisterCriticalServiceAfter"]);

        // The check the agent will run really answers: we registered only once listening.
        using var http = new HttpClient();
        Assert.True((await http.GetAsync(new Uri((string)check["HTTP"]!))).IsSuccessStatusCode);

        await app.StopAsync();
        Assert.Equal(["storage-node-node7"], _consul.Deregistrations);
        Assert.False(_consul.IsRegistered("storage-node-node7"));
    }

    [Fact]
    public async Task ConsulRegistrar_ConsulDownAtStart_RegistersOnceItAnswers()
    {
        var consulPort = Poll.FreePort();
        await using var app = TestApp.Create("namespace", _ => { }, new()
        {
            ["CONSUL_HTTP_ADDR"] = $"127.0.0.1:{consulPort}",
            ["Cairn:HttpPort"] = $"{Poll.FreePort()}",
        }, testServer: false);
        await app.StartAsync();
        var registrar = app.Services.GetRequiredService<ConsulRegistrar>();

        Assert.NotNull(registrar.Registration);
        Assert.StartsWith("namespace-127.0.0.1-", registrar.Registration.Id, StringComparison.Ordinal); // no node id: address and port keep it unique
        await app.StopAsync(); // deregistration failing against a dead agent must not fail shutdown
    }

    [Theory]
    [InlineData(10_000, "10s")]
    [InlineData(60_000, "60s")]
    [InlineData(1_500, "1500ms")]
    public void ConsulRegistrar_GoDuration_FormatsAsConsulExpects(int ms, string expected) =>
        Assert.Equal(expected, ConsulRegistrar.GoDuration(TimeSpan.FromMilliseconds(ms)));

    [Theory]
    [InlineData(null, null, "127.0.0.1")]
    [InlineData(null, "10.0.0.5", "10.0.0.5")]
    [InlineData("placement-1", "0.0.0.0", "placement-1")]
    public void ConsulRegistrar_AdvertisedAddress_PrefersExplicitThenBind(string? advertised, string? bind, string expected)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cairn:AdvertisedAddress"] = advertised,
            ["Cairn:BindAddress"] = bind,
        }).Build();
        Assert.Equal(expected, ConsulRegistrar.AdvertisedAddress(config));
    }

    [Fact]
    public void ConsulRegistrar_AdvertisedAddress_WildcardBindUsesHostName()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Cairn:BindAddress"] = "0.0.0.0" }).Build();
        Assert.Equal(System.Net.Dns.GetHostName(), ConsulRegistrar.AdvertisedAddress(config));
    }
}
