using System.Net;
using Cairn.Storage.V1;
using Cairn.StorageNode.Client;
using Grpc.Core;

namespace StorageNode.Tests;

/// <summary>
/// The HTTP/1.1 bulk shard read against the real node in-process: the same bytes and the same failures as ReadShard,
/// and a reader that refuses every malformed body.
/// </summary>
public sealed class ShardDataReadTests : IClassFixture<StorageNodeServiceTests.NodeFactory>, IDisposable
{
    private const int BlockSize = 1000;
    private readonly StorageNodeServiceTests.NodeFactory _factory;
    private readonly StorageNodeClients _clients;
    private readonly Cairn.Storage.V1.StorageNode.StorageNodeClient _client;

    public ShardDataReadTests(StorageNodeServiceTests.NodeFactory factory)
    {
        _factory = factory;
        _clients = new StorageNodeClients(_ => factory.Server.CreateHandler());
        _client = _clients.Get(factory.Server.BaseAddress.ToString());
    }

    public void Dispose() => _clients.Dispose();

    [Fact]
    public async Task NodeStatus_AdvertisesTheDataUrl_AndTheClientFindsIt()
    {
        var status = await _client.GetNodeStatusAsync(new GetNodeStatusRequest());

        Assert.Equal(_factory.DataUrl, status.DataUrl);
        Assert.Equal(_factory.DataUrl, await _clients.DataUrlAsync(_factory.Server.BaseAddress.ToString()));
        _clients.ForgetDataUrl(_factory.Server.BaseAddress.ToString());
        Assert.Equal(_factory.DataUrl, await _clients.DataUrlAsync(_factory.Server.BaseAddress.ToString())); // asked again
        using var grpcOnly = new StorageNodeClients(_ => _factory.Server.CreateHandler()) { PreferDataUrl = false };
        Assert.Null(await grpcOnly.DataUrlAsync(_factory.Server.BaseAddress.ToString()));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(999, 2)]
    [InlineData(1000, 1000)]
    [InlineData(2000, 0)]
    [InlineData(3499, 1)]
    [InlineData(1, 3498)]
    [InlineData(3500, 0)]
    public async Task ShardDataReader_Range_EqualsReadShard(long offset, long length)
    {
        byte[] data = ShardData.Bytes((3 * BlockSize) + 500, 21);
        await Write("bulk-range", data);

        var overHttp = await ReadHttp("bulk-range", offset, length);

        Assert.Equal(await ReadGrpc("bulk-range", offset, length), overHttp);
        Assert.Equal(data.AsSpan((int)offset, length == 0 ? data.Length - (int)offset : (int)length).ToArray(), overHttp);
    }

    [Fact]
    public async Task ShardDataReader_EmptyShard_YieldsNothing()
    {
        await Write("bulk-empty", []);

        Assert.Empty(await ReadHttp("bulk-empty", 0, 0));
    }

    [Fact]
    public async Task ShardDataReader_MissingShardOrDisk_IsShardNotFound()
    {
        var missing = await Assert.ThrowsAsync<ShardNotFoundException>(() => ReadHttp("bulk-never", 0, 0));
        Assert.Equal("bulk-never", missing.ShardId);
        await Assert.ThrowsAsync<ShardNotFoundException>(() => ReadHttp("bulk-never", 0, 0, diskId: "no-such-disk"));
    }

    [Fact]
    public async Task ShardDataReader_RangePastTheEnd_IsOutOfRange()
    {
        await Write("bulk-short", ShardData.Bytes(100, 2));

        var ex = await Assert.ThrowsAsync<RpcException>(() => ReadHttp("bulk-short", 50, 100));
        var huge = await Assert.ThrowsAsync<RpcException>(() => ReadHttp("bulk-short", 50, long.MaxValue - 50));

        Assert.Equal(StatusCode.OutOfRange, ex.StatusCode);
        Assert.Equal(StatusCode.OutOfRange, huge.StatusCode);
    }

    [Fact]
    public async Task ShardDataReader_CorruptBlockOnDisk_IsShardCorruptAndGoodBlocksAreServed()
    {
        byte[] data = ShardData.Bytes(2500, 9);
        await WriteThenCorruptLastBlock("bulk-corrupt", data, disk: 1);

        var ex = await Assert.ThrowsAsync<ShardCorruptException>(() => ReadHttp("bulk-corrupt", 0, 0, disk: 1));
        Assert.Equal(_factory.DiskIds[1], ex.DiskId);
        Assert.Equal(data[..1000], await ReadHttp("bulk-corrupt", 0, 1000, disk: 1));
    }

    [Theory]
    [InlineData(0, 0, 1000)]   // buffers that are exactly the node's blocks: read in place
    [InlineData(0, 0, 2000)]   // two blocks per buffer
    [InlineData(0, 0, 700)]    // buffers smaller than a block: buffered
    [InlineData(250, 3000, 1000)] // a range that starts inside a block: buffered, then misaligned buffers
    [InlineData(1000, 2500, 1500)]
    public async Task ShardDataCursor_ReadExactly_EqualsReadShardWhateverTheBufferSize(long offset, long length, int bufferBytes)
    {
        byte[] data = ShardData.Bytes((3 * BlockSize) + 500, 23);
        await Write("cursor-range", data);
        long total = length == 0 ? data.Length - offset : length;

        await using var cursor = await OpenCursor("cursor-range", offset, length);
        using var result = new MemoryStream();
        var buffer = new byte[bufferBytes];
        while (result.Length < total)
        {
            var chunk = buffer.AsMemory(0, (int)Math.Min(bufferBytes, total - result.Length));
            await cursor.ReadExactlyAsync(chunk, CancellationToken.None);
            result.Write(chunk.Span);
        }

        Assert.Equal(await ReadGrpc("cursor-range", offset, length), result.ToArray());
        Assert.Equal(offset + total, cursor.Position);
        await Assert.ThrowsAsync<ShardCorruptException>(async () => await cursor.ReadExactlyAsync(new byte[1], CancellationToken.None));
    }

    [Fact]
    public async Task ShardDataCursor_CorruptBlockReadInPlace_IsShardCorrupt()
    {
        byte[] data = ShardData.Bytes(2000, 29);
        await WriteThenCorruptLastBlock("cursor-corrupt", data, disk: 1);

        await using var cursor = await OpenCursor("cursor-corrupt", 0, 0, disk: 1);
        var first = new byte[BlockSize];
        await cursor.ReadExactlyAsync(first, CancellationToken.None);
        Assert.Equal(data[..BlockSize], first);
        await Assert.ThrowsAsync<ShardCorruptException>(async () => await cursor.ReadExactlyAsync(new byte[BlockSize], CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task ShardDataCursor_MalformedBody_IsShardCorrupt(string kind)
    {
        var (body, length) = MalformedBody(kind);
        using var http = new HttpClient(new FixedResponse(HttpStatusCode.OK, body));

        await Assert.ThrowsAsync<ShardCorruptException>(async () =>
        {
            await using var cursor = await ShardDataCursor.OpenAsync(http, "http://node", "d", "s", 0, length, CancellationToken.None);
            await cursor.ReadExactlyAsync(new byte[2 * BlockSize], CancellationToken.None);
        });
    }

    public static TheoryData<string> MalformedBodies => new() { "bad-crc", "gap", "truncated-data", "truncated-header", "oversized", "short-stream", "no-end-frame", "error-frame" };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task ShardDataReader_MalformedBody_IsShardCorrupt(string kind)
    {
        var (body, length) = MalformedBody(kind);
        using var http = new HttpClient(new FixedResponse(HttpStatusCode.OK, body));
        await Assert.ThrowsAsync<ShardCorruptException>(() => Drain(ShardDataReader.ReadAsync(http, "http://node", "d", "s", 0, length, CancellationToken.None)));
    }

    [Fact]
    public async Task ShardDataReader_UnreachableNode_IsUnavailable()
    {
        using var http = new HttpClient();
        int port = FreePort();

        var ex = await Assert.ThrowsAsync<RpcException>(() => Drain(ShardDataReader.ReadAsync(http, $"http://127.0.0.1:{port}", "d", "s", 0, 0, CancellationToken.None)));

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
    }

    /// <summary>A body broken in the named way, and the length to ask for.</summary>
    private static (byte[] Body, long Length) MalformedBody(string kind)
    {
        var block = ShardData.Bytes(BlockSize, 3);
        var body = new MemoryStream();
        long length = 2 * BlockSize;
        void Frame(long offset, byte[] bytes, uint crc, uint? declared = null)
        {
            var header = new byte[ShardDataFrame.HeaderBytes];
            ShardDataFrame.WriteHeader(header, offset, declared ?? (uint)bytes.Length, crc);
            body.Write(header);
            body.Write(bytes);
        }

        switch (kind)
        {
            case "bad-crc": Frame(0, block, Crc32C.Compute(block) ^ 1); break;
            case "gap": Frame(0, block, Crc32C.Compute(block)); Frame(2 * BlockSize, block, Crc32C.Compute(block)); break;
            case "truncated-data": Frame(0, block[..500], Crc32C.Compute(block), declared: (uint)BlockSize); break;
            case "truncated-header": Frame(0, block, Crc32C.Compute(block)); body.Write(new byte[5]); break;
            case "oversized": Frame(0, [], 0, declared: ShardDataReader.MaxBlockBytes + 1u); break;
            case "short-stream": Frame(0, block, Crc32C.Compute(block)); Frame(BlockSize, [], 0, declared: ShardDataFrame.EndLength); break;
            case "no-end-frame": Frame(0, block, Crc32C.Compute(block)); length = 0; break;
            case "error-frame": Frame(0, block, Crc32C.Compute(block)); body.Write(ShardDataFrame.ErrorFrame(StatusCode.DataLoss, "block 1: bad")); break;
        }

        return (body.ToArray(), length);
    }

    private async Task Write(string shardId, byte[] data, int disk = 0)
    {
        await using var writer = await ShardWriter.OpenAsync(_client, _factory.DiskIds[disk], shardId, BlockSize, CancellationToken.None);
        for (int offset = 0; offset < data.Length; offset += BlockSize)
        {
            await writer.WriteBlockAsync(data.AsMemory(offset, Math.Min(BlockSize, data.Length - offset)), CancellationToken.None);
        }

        await writer.CommitAsync(CancellationToken.None);
    }

    /// <summary>Writes the shard, then flips a byte of its last 100 on disk (inside its last block).</summary>
    private async Task WriteThenCorruptLastBlock(string shardId, byte[] data, int disk)
    {
        await Write(shardId, data, disk);
        var (file, at) = ShardData.Locate(_factory.DiskPaths[disk], data[^100..]);
        ShardData.Flip(file, at + 60);
    }

    private Task<ShardDataCursor> OpenCursor(string shardId, long offset, long length, int disk = 0) =>
        ShardDataCursor.OpenAsync(_clients.DataClient(_factory.DataUrl), _factory.DataUrl, _factory.DiskIds[disk], shardId, offset, length, CancellationToken.None);

    private Task<byte[]> ReadHttp(string shardId, long offset, long length, int disk = 0, string? diskId = null) =>
        Drain(ShardDataReader.ReadAsync(_clients.DataClient(_factory.DataUrl), _factory.DataUrl, diskId ?? _factory.DiskIds[disk], shardId, offset, length, CancellationToken.None));

    private Task<byte[]> ReadGrpc(string shardId, long offset, long length) =>
        Drain(ShardReader.ReadAsync(_client, _factory.DiskIds[0], shardId, offset, length, CancellationToken.None));

    private static async Task<byte[]> Drain(IAsyncEnumerable<ReadOnlyMemory<byte>> chunks)
    {
        using var result = new MemoryStream();
        await foreach (var chunk in chunks)
        {
            result.Write(chunk.Span); // copied at once: the HTTP reader reuses its buffer
        }

        return result.ToArray();
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class FixedResponse(HttpStatusCode status, byte[] body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(status) { Content = new ByteArrayContent(body) });
    }
}
