using Cairn.Storage.V1;
using Cairn.StorageNode.Client;
using Cairn.StorageNode.Registration;
using Cairn.ServiceDefaults.Events;
using Google.Protobuf;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace StorageNode.Tests;

/// <summary>A read or a scrub that finds a corrupt shard tells background-ops (topic shard-corrupt), once per shard.</summary>
public sealed class CorruptShardEventTests : IClassFixture<CorruptShardEventTests.RecordingNodeFactory>, IDisposable
{
    private const int BlockSize = 1000;
    private readonly RecordingNodeFactory _factory;
    private readonly StorageNodeClients _clients;
    private readonly Cairn.Storage.V1.StorageNode.StorageNodeClient _client;

    public CorruptShardEventTests(RecordingNodeFactory factory)
    {
        _factory = factory;
        _clients = new StorageNodeClients(_ => factory.Server.CreateHandler());
        _client = _clients.Get(factory.Server.BaseAddress.ToString());
    }

    public void Dispose() => _clients.Dispose();

    [Fact]
    public async Task CorruptBlock_ReadTwiceOverBothTransportsAndScrubbed_IsAnnouncedOnce()
    {
        byte[] data = ShardData.Bytes(2500, 17);
        await using (var writer = await ShardWriter.OpenAsync(_client, _factory.DiskIds[2], "rotten", BlockSize, CancellationToken.None))
        {
            for (int offset = 0; offset < data.Length; offset += BlockSize)
            {
                await writer.WriteBlockAsync(data.AsMemory(offset, Math.Min(BlockSize, data.Length - offset)), CancellationToken.None);
            }

            await writer.CommitAsync(CancellationToken.None);
        }

        var (file, at) = ShardData.Locate(_factory.DiskPaths[2], data[1000..1100]);
        ShardData.Flip(file, at + 10);

        await Assert.ThrowsAsync<ShardCorruptException>(() => Drain(ShardReader.ReadAsync(_client, _factory.DiskIds[2], "rotten", 0, 0, CancellationToken.None)));
        await Assert.ThrowsAsync<ShardCorruptException>(() => Drain(ShardDataReader.ReadAsync(_clients.DataClient(_factory.DataUrl), _factory.DataUrl, _factory.DiskIds[2], "rotten", 0, 0, CancellationToken.None)));
        var scrub = await _client.ScrubDiskAsync(new ScrubDiskRequest { DiskId = _factory.DiskIds[2] });
        Assert.Contains("rotten", scrub.CorruptShardIds);

        var announced = Assert.Single(_factory.Published, e => e.Topic == CorruptShardPublisher.Topic && ((ShardCorruptEvent)e.Message).ShardId == "rotten");
        var corrupt = (ShardCorruptEvent)announced.Message;
        Assert.Equal(("test-node", _factory.DiskIds[2]), (corrupt.NodeId, corrupt.DiskId));
        Assert.Contains("corrupt", corrupt.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthyReads_AnnounceNothing()
    {
        byte[] data = ShardData.Bytes(1500, 3);
        await using (var writer = await ShardWriter.OpenAsync(_client, _factory.DiskIds[0], "healthy", BlockSize, CancellationToken.None))
        {
            await writer.WriteBlockAsync(data.AsMemory(0, BlockSize), CancellationToken.None);
            await writer.WriteBlockAsync(data.AsMemory(BlockSize), CancellationToken.None);
            await writer.CommitAsync(CancellationToken.None);
        }

        Assert.Equal(data, await Drain(ShardReader.ReadAsync(_client, _factory.DiskIds[0], "healthy", 0, 0, CancellationToken.None)));
        await Assert.ThrowsAsync<ShardNotFoundException>(() => Drain(ShardReader.ReadAsync(_client, _factory.DiskIds[0], "absent", 0, 0, CancellationToken.None)));

        Assert.DoesNotContain(_factory.Published, e => e.Message is ShardCorruptEvent c && c.DiskId == _factory.DiskIds[0]);
    }

    private static async Task<byte[]> Drain(IAsyncEnumerable<ReadOnlyMemory<byte>> chunks)
    {
        using var result = new MemoryStream();
        await foreach (var chunk in chunks)
        {
            result.Write(chunk.Span);
        }

        return result.ToArray();
    }

    /// <summary>The node with its event publisher replaced by one that records what it is given.</summary>
    public sealed class RecordingNodeFactory : StorageNodeServiceTests.NodeFactory
    {
        private readonly List<(string Topic, IMessage Message)> _published = [];

        public IReadOnlyList<(string Topic, IMessage Message)> Published
        {
            get
            {
                lock (_published)
                {
                    return [.. _published];
                }
            }
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(s => s.AddSingleton<IEventPublisher>(new Recorder(this)));
        }

        private sealed class Recorder(RecordingNodeFactory owner) : IEventPublisher
        {
            public Task PublishAsync<T>(string topic, T message, CancellationToken ct = default) where T : IMessage
            {
                lock (owner._published)
                {
                    owner._published.Add((topic, message));
                }

                return Task.CompletedTask;
            }
        }
    }
}
