using System.IO.Pipelines;
using Cairn.ServiceDefaults.Http;
using Cairn.StorageNode.Disks;
using Cairn.StorageNode.Grpc;
using Cairn.StorageNode.Shards;
using Cairn.StorageNode.Client;
using Grpc.Core;

namespace Cairn.StorageNode.Http;

/// <summary>
/// ReadShard's bulk twin on the node's HTTP/1.1 port: <c>GET /v1/shards/{disk}/{shard}?offset=&amp;length=</c> streams
/// the same verified blocks as the gRPC call, each as a <see cref="ShardDataFrame"/> header followed by its bytes.
/// Why a second transport: on the hot GET path, gRPC over HTTP/2 in .NET costs several ms of CPU per MiB on each side
/// (16 KiB frames under a connection lock, a protobuf copy and a 1 MiB allocation per message); an HTTP/1.1 body
/// is one copy into the socket, and the client can read each block straight into its own buffer.
/// </summary>
public static class ShardDataEndpoint
{
    public const string Route = "/v1/shards/{diskId}/{shardId}";

    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(Route, ServeAsync).ExcludeFromDescription();

    private static async Task ServeAsync(HttpContext http, string diskId, string shardId, DiskSet disks)
    {
        var ct = http.RequestAborted;
        using var activity = StorageNodeMetrics.ActivitySource.StartActivity("ReadShardData");
        activity?.SetTag("cairn.disk", diskId);
        IShardReadStream shard;
        long offset, length;
        try
        {
            offset = QueryLong(http, "offset");
            length = QueryLong(http, "length");
            var store = disks.Get(diskId).Store;
            // A small shard comes whole from the store's fast path, read and verified without a task or an enumerator.
            shard = store.TryReadWhole(shardId, out var whole) ? whole : await store.OpenReadAsync(shardId, ct);
        }
        catch (Exception ex) when (StorageErrorInterceptor.ToStatus(ex) is { } status)
        {
            await WriteErrorAsync(http, status);
            return;
        }

        await using (shard)
        {
            long shardLength = shard is WholeShard small ? small.Length : shard.Info.Length;
            if (offset > shardLength || length > shardLength - offset)
            {
                await WriteErrorAsync(http, new Status(StatusCode.OutOfRange, $"range of {length} bytes at {offset} is outside the shard's {shardLength} bytes"));
                return;
            }

            http.Response.ContentType = ShardDataFrame.ContentType;
            // Headers first: Kestrel copies bytes written before the status line over in 4 KiB blocks afterwards.
            await http.Response.StartAsync(ct);
            var body = http.Response.BodyWriter;
            long sent = offset;
            try
            {
                if (shard is WholeShard whole)
                {
                    sent = whole.Covers(offset, length) ? await WriteBlockAsync(body, whole.Block, ct) : offset;
                }
                else
                {
                    await foreach (var block in shard.ReadBlocksAsync(offset, length, ct))
                    {
                        sent = await WriteBlockAsync(body, block, ct);
                    }
                }
            }
            catch (Exception ex) when (StorageErrorInterceptor.ToStatus(ex) is { } status)
            {
                // The status line is gone: the error frame ends the body instead of the end frame.
                await body.WriteAsync(ShardDataFrame.ErrorFrame(status.StatusCode, status.Detail), ct);
                return;
            }

            ShardDataFrame.WriteHeader(body.GetSpan(ShardDataFrame.HeaderBytes), sent, ShardDataFrame.EndLength, 0);
            body.Advance(ShardDataFrame.HeaderBytes);
        }
    }

    /// <summary>One block as a frame header and its bytes; returns where the block ends in the shard.</summary>
    private static async Task<long> WriteBlockAsync(PipeWriter body, StoredBlock block, CancellationToken ct)
    {
        ShardDataFrame.WriteHeader(body.GetSpan(ShardDataFrame.HeaderBytes), block.Offset, (uint)block.Data.Length, block.Crc32C);
        body.Advance(ShardDataFrame.HeaderBytes);
        body.WriteWhole(block.Data.Span);
        await body.FlushAsync(ct);
        return block.Offset + block.Data.Length;
    }

    private static long QueryLong(HttpContext http, string name) =>
        http.Request.Query[name] is { Count: > 0 } v
            ? long.TryParse(v[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : throw new ArgumentException($"{name} must be a non-negative integer")
            : 0;

    private static Task WriteErrorAsync(HttpContext http, Status status)
    {
        http.Response.StatusCode = ShardDataFrame.HttpStatusOf(status.StatusCode);
        http.Response.Headers[ShardDataFrame.StatusHeader] = ((int)status.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.ContentType = "text/plain";
        return http.Response.WriteAsync(status.Detail, http.RequestAborted);
    }
}
