using System.Net.Http.Headers;
using Cairn.BackgroundOps.Gateways;
using Cairn.BackgroundOps.V1;
using Cairn.Common.V1;
using Cairn.Namespace.V1;
using Cairn.ServiceDefaults.Events;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using BackgroundOpsApi = Cairn.BackgroundOps.V1.BackgroundOps;

namespace Cairn.BackgroundOps.Tests;

/// <summary>The service in-process, with placement, storage nodes and namespace swapped for in-memory fakes.</summary>
public sealed class BackgroundOpsServiceTests : IDisposable
{
    private readonly FakeDiskDirectory _directory = new();
    private readonly FakeStorage _storage = new();
    private readonly FakeReferences _references = new();
    private readonly ManualTimeProvider _time = new();
    private readonly WebApplicationFactory<Program> _factory;
    private readonly GrpcChannel _channel;
    private readonly BackgroundOpsApi.BackgroundOpsClient _client;

    public BackgroundOpsServiceTests()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b.ConfigureTestServices(s =>
        {
            s.AddSingleton<TimeProvider>(_time);
            s.AddSingleton<IDiskDirectory>(_directory);
            s.AddSingleton<IShardInventory>(_storage);
            s.AddSingleton<IShardDeleter>(_storage);
            s.AddSingleton<IDiskScrubber>(_storage);
            s.AddSingleton<IReferenceChecker>(_references);
        }));
        _channel = GrpcChannel.ForAddress(_factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = _factory.Server.CreateHandler() });
        _client = new BackgroundOpsApi.BackgroundOpsClient(_channel);
    }

    [Fact]
    public async Task BackgroundOpsService_ObjectGarbageEvent_DeletesShardsThroughSubscription()
    {
        _directory.Add("d1");
        _storage.Put("d1", "s0", _time.GetUtcNow());
        var garbage = new ObjectGarbageEvent
        {
            Bucket = "b",
            Key = "k",
            Reason = "deleted",
            Layouts = { new ShardLayout { Shards = { new ShardLocation { DiskId = "d1", ShardId = "s0" } } } },
        };
        using var http = _factory.CreateClient();
        using var body = new StringContent(CloudEvent.Create("namespace", "object-garbage", garbage).ToJsonString());
        body.Headers.ContentType = new MediaTypeHeaderValue(CloudEvent.ContentType);

        using var response = await http.PostAsync(new Uri("/events/object-garbage", UriKind.Relative), body);
        response.EnsureSuccessStatusCode();

        Assert.False(_storage.Has("d1", "s0"));
        var status = await _client.GetStatusAsync(new GetStatusRequest());
        Assert.Equal(1UL, status.EventsReceived);
        Assert.Equal(1UL, status.ShardsDeleted);
        Assert.Equal(0UL, status.GcQueueLength);
    }

    [Fact]
    public async Task BackgroundOpsService_ShardCorruptEvent_QueuesTheShardForRepairOnce()
    {
        var corrupt = new Cairn.Storage.V1.ShardCorruptEvent { NodeId = "n1", DiskId = "d1", ShardId = "s9", Reason = "block 3: CRC", DetectedUnixMs = 1_700_000_000_000 };
        using var http = _factory.CreateClient();
        for (var i = 0; i < 2; i++)
        {
            // At-least-once delivery: the same event twice is one registry entry.
            using var body = new StringContent(CloudEvent.Create("storage-node", "shard-corrupt", corrupt).ToJsonString());
            body.Headers.ContentType = new MediaTypeHeaderValue(CloudEvent.ContentType);
            using var response = await http.PostAsync(new Uri("/events/shard-corrupt", UriKind.Relative), body);
            response.EnsureSuccessStatusCode();
        }

        var registered = Assert.Single(_factory.Services.GetRequiredService<Cairn.BackgroundOps.Scrub.CorruptShardRegistry>().All());
        Assert.Equal(("d1", "s9"), (registered.DiskId, registered.ShardId));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000), registered.DetectedAt);
        using var subscribe = await http.GetAsync(new Uri("/dapr/subscribe", UriKind.Relative));
        Assert.Contains("shard-corrupt", await subscribe.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task BackgroundOpsService_TriggerJob_ReturnsStatusAfterCompletion()
    {
        _directory.Add("d1");
        _storage.Put("d1", "a", _time.GetUtcNow());
        _storage.Corrupt["d1"] = ["a"];

        var scrub = await _client.TriggerJobAsync(new TriggerJobRequest { Kind = JobKind.Scrub });
        Assert.Equal("idle", scrub.Status.State);
        Assert.Equal(1UL, scrub.Status.Runs);
        Assert.Equal(1UL, scrub.Status.ItemsDone);
        Assert.True(scrub.Status.LastFinishedUnixMs >= scrub.Status.LastStartedUnixMs);

        var repair = await _client.TriggerJobAsync(new TriggerJobRequest { Kind = JobKind.Repair });
        Assert.Equal("idle", repair.Status.State);

        var gc = await _client.TriggerJobAsync(new TriggerJobRequest { Kind = JobKind.GcReconcile });
        Assert.Equal("idle", gc.Status.State);

        var status = await _client.GetStatusAsync(new GetStatusRequest());
        Assert.Equal(3, status.Jobs.Count);
        Assert.All(status.Jobs, j => Assert.Equal(1UL, j.Runs));
    }

    public void Dispose()
    {
        _channel.Dispose();
        _factory.Dispose();
    }
}
