using Cairn.Storage.V1;
using Cairn.StorageNode.Client;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using StorageNodeClient = Cairn.Storage.V1.StorageNode.StorageNodeClient;

namespace StorageNode.Tests;

/// <summary>The real service in-process (TestServer), driven through the client library.</summary>
public sealed class StorageNodeServiceTests : IClassFixture<StorageNodeServiceTests.NodeFactory>, IDisposable
{
    private const int BlockSize = 1000;
    private readonly NodeFactory _factory;
    private readonly StorageNodeClients _clients;
    private readonly StorageNodeClient _client;

    public StorageNodeServiceTests(NodeFactory factory)
    {
        _factory = factory;
        _clients = new StorageNodeClients(_ => factory.Server.CreateHandler());
        _client = _clients.Get(factory.Server.BaseAddress.ToString());
    }

    public void Dispose() => _clients.Dispose();

    [Fact]
    public async Task StorageNodeClient_WriteThenRead_RoundTripsWholeAndRanges()
    {
        byte[] data = ShardData.Bytes((3 * BlockSize) + 500, 11);
        var response = await Write("round-trip", data);

        Assert.Equal((ulong)data.Length, response.Length);
        Assert.Equal(4u, response.Blocks);
        Assert.Equal(data, await Read("round-trip", 0, 0));
        Assert.Equal(data[999..1001], await Read("round-trip", 999, 2));
        Assert.Equal(data[2000..], await Read("round-trip", 2000, 0));
        Assert.Equal(data[^1..], await Read("round-trip", data.Length - 1, 1));
    }

    [Fact]
    public async Task StorageNodeClient_Read_MissingShardThrowsShardNotFound()
    {
        var ex = await Assert.ThrowsAsync<ShardNotFoundException>(() => Read("never-written", 0, 0));
        Assert.Equal("never-written", ex.ShardId);
    }

    [Fact]
    public async Task StorageNodeClient_Read_CorruptFileThrowsShardCorruptAndScrubFindsIt()
    {
        byte[] data = ShardData.Bytes(2500, 5);
        await Write("to-corrupt", data, disk: 1);
        var (file, at) = ShardData.Locate(_factory.DiskPaths[1], data[^100..]);
        ShardData.Flip(file, at + 60); // in the last block's data

        var ex = await Assert.ThrowsAsync<ShardCorruptException>(() => Read("to-corrupt", 0, 0, disk: 1));
        Assert.Equal(_factory.DiskIds[1], ex.DiskId);
        Assert.Equal(data[..1000], await Read("to-corrupt", 0, 1000, disk: 1)); // good blocks are still served
        var scrub = await _client.ScrubDiskAsync(new ScrubDiskRequest { DiskId = _factory.DiskIds[1] });
        Assert.Contains("to-corrupt", scrub.CorruptShardIds);
    }

    [Fact]
    public async Task ShardWriter_DisposeWithoutCommit_StoresNothing()
    {
        await using (var writer = await ShardWriter.OpenAsync(_client, _factory.DiskIds[0], "abandoned", BlockSize, CancellationToken.None))
        {
            await writer.WriteBlockAsync(ShardData.Bytes(BlockSize, 1), CancellationToken.None);
        }

        var ex = await Assert.ThrowsAsync<RpcException>(() => _client.StatShardAsync(new StatShardRequest { DiskId = _factory.DiskIds[0], ShardId = "abandoned" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        Assert.DoesNotContain((await _client.ListShardsAsync(new ListShardsRequest { DiskId = _factory.DiskIds[0] })).Shards, s => s.ShardId == "abandoned");
    }

    [Fact]
    public async Task ShardWriter_WriteBlock_RefusesABlockAfterAShortOne()
    {
        await using var writer = await ShardWriter.OpenAsync(_client, _factory.DiskIds[0], "short", BlockSize, CancellationToken.None);
        await writer.WriteBlockAsync(new byte[10], CancellationToken.None);
        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.WriteBlockAsync(new byte[10], CancellationToken.None));
    }

    [Fact]
    public async Task StorageNodeService_WriteShard_BadCrcIsDataLossAndNotStored()
    {
        using var call = _client.WriteShard();
        await call.RequestStream.WriteAsync(Header("bad-crc"));
        await call.RequestStream.WriteAsync(new WriteShardRequest { Block = new ShardBlock { Offset = 0, Data = ByteString.CopyFrom(1, 2, 3), Crc32C = 12345 } });
        await call.RequestStream.WriteAsync(new WriteShardRequest { Commit = new WriteShardCommit { Length = 3 } });
        await call.RequestStream.CompleteAsync();

        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.DataLoss, ex.StatusCode);
        await Assert.ThrowsAsync<ShardNotFoundException>(() => Read("bad-crc", 0, 0));
    }

    [Fact]
    public async Task StorageNodeService_WriteShard_CommitLengthMismatchIsInvalidArgument()
    {
        using var call = _client.WriteShard();
        await call.RequestStream.WriteAsync(Header("bad-length"));
        var data = ByteString.CopyFrom(1, 2, 3);
        await call.RequestStream.WriteAsync(new WriteShardRequest { Block = new ShardBlock { Offset = 0, Data = data, Crc32C = Crc32C.Compute(data.Span) } });
        await call.RequestStream.WriteAsync(new WriteShardRequest { Commit = new WriteShardCommit { Length = 4 } });
        await call.RequestStream.CompleteAsync();

        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
    }

    [Fact]
    public async Task StorageNodeService_UnknownDisk_IsNotFound()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _client.ListShardsAsync(new ListShardsRequest { DiskId = "no-such-disk" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task StorageNodeService_ListStatDelete_ReflectWrites()
    {
        string disk = _factory.DiskIds[0];
        await Write("lsd-1", ShardData.Bytes(10, 1));
        await Write("lsd-2", ShardData.Bytes(20, 2));

        var listed = await _client.ListShardsAsync(new ListShardsRequest { DiskId = disk, StartAfter = "lsd-", Limit = 100 });
        var stat = await _client.StatShardAsync(new StatShardRequest { DiskId = disk, ShardId = "lsd-2" });
        var deleted = await _client.DeleteShardAsync(new DeleteShardRequest { DiskId = disk, ShardId = "lsd-1" });
        var again = await _client.DeleteShardAsync(new DeleteShardRequest { DiskId = disk, ShardId = "lsd-1" });

        Assert.Equal(["lsd-1", "lsd-2"], listed.Shards.Select(s => s.ShardId).Where(s => s.StartsWith("lsd-", StringComparison.Ordinal)));
        Assert.Equal(20u, stat.Length);
        Assert.Equal((uint)BlockSize, stat.BlockSize);
        Assert.True(deleted.Existed);
        Assert.False(again.Existed);
    }

    [Fact]
    public async Task StorageNodeService_GetNodeStatus_ReportsEveryDisk()
    {
        await Write("status-1", ShardData.Bytes(10, 1));

        var status = await _client.GetNodeStatusAsync(new GetNodeStatusRequest());

        Assert.Equal("test-node", status.NodeId);
        Assert.Equal(_factory.DiskIds, status.Disks.Select(d => d.DiskId));
        Assert.All(status.Disks, d => Assert.Equal(DiskState.Active, d.State));
        Assert.True(status.Disks[0].Writes >= 1);
        Assert.True(status.Disks[0].ShardCount >= 1);
    }

    [Fact]
    public async Task StorageNodeService_InjectFault_ErrorRateOneMakesTheDiskUnavailable()
    {
        var faulty = new InjectFaultRequest { DiskId = _factory.DiskIds[2], ErrorRate = 1.0 };
        await _client.InjectFaultAsync(faulty);
        try
        {
            var ex = await Assert.ThrowsAsync<RpcException>(() => _client.StatShardAsync(new StatShardRequest { DiskId = _factory.DiskIds[2], ShardId = "x" }).ResponseAsync);
            Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
            var status = await _client.GetNodeStatusAsync(new GetNodeStatusRequest());
            Assert.Equal(1.0, status.Disks[2].InjectedErrorRate);
        }
        finally
        {
            await _client.InjectFaultAsync(new InjectFaultRequest { DiskId = _factory.DiskIds[2] });
        }
    }

    private WriteShardRequest Header(string shardId) =>
        new() { Header = new WriteShardHeader { DiskId = _factory.DiskIds[0], ShardId = shardId, BlockSize = BlockSize } };

    private async Task<WriteShardResponse> Write(string shardId, byte[] data, int disk = 0)
    {
        await using var writer = await ShardWriter.OpenAsync(_client, _factory.DiskIds[disk], shardId, BlockSize, CancellationToken.None);
        byte[] buffer = new byte[BlockSize];
        for (int offset = 0; offset < data.Length; offset += BlockSize)
        {
            // One reused buffer, as the frontend does: the writer must not keep a reference to it.
            int n = Math.Min(BlockSize, data.Length - offset);
            data.AsSpan(offset, n).CopyTo(buffer);
            await writer.WriteBlockAsync(buffer.AsMemory(0, n), CancellationToken.None);
        }

        return await writer.CommitAsync(CancellationToken.None);
    }

    private async Task<byte[]> Read(string shardId, long offset, long length, int disk = 0)
    {
        using var result = new MemoryStream();
        await foreach (var chunk in ShardReader.ReadAsync(_client, _factory.DiskIds[disk], shardId, offset, length, CancellationToken.None))
        {
            result.Write(chunk.Span);
        }

        return result.ToArray();
    }

    private static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 10 s");
            await Task.Delay(20);
        }
    }

    /// <summary>One node with three disks in temp directories.</summary>
    public class NodeFactory : WebApplicationFactory<Program>
    {
        private readonly TempDirectory _root = new();

        public NodeFactory() => DiskPaths = [.. Enumerable.Range(0, 3).Select(i => Path.Combine(_root.Path, $"disk{i}"))];

        public IReadOnlyList<string> DiskPaths { get; }

        public IReadOnlyList<string> DiskIds { get; } = ["test-node-d0", "test-node-d1", "test-node-d2"];

        /// <summary>What the node advertises for its HTTP/1.1 bulk read (the test server answers any host).</summary>
        public string DataUrl => "http://test-node-data:8080";

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Cairn:NodeId", "test-node");
            builder.UseSetting("Cairn:Disks", string.Join(',', DiskPaths));
            builder.UseSetting("Cairn:HeatReportIntervalMs", "60000");
            builder.UseSetting("Cairn:AdvertisedDataUrl", DataUrl);
        }

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            _root.Dispose();
        }
    }
}
