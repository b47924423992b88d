using System.Runtime.CompilerServices;
using Cairn.Storage.V1;
using Cairn.StorageNode.Disks;
using Cairn.StorageNode.Shards;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using StorageNodeContract = Cairn.Storage.V1.StorageNode;

namespace Cairn.StorageNode.Grpc;

/// <summary>
/// storage.proto over the node's disks: proto to domain, one call into the disk's store, domain to proto.
/// Failures become status codes in <see cref="StorageErrorInterceptor"/>.
/// </summary>
public sealed class StorageNodeService(DiskSet disks, StorageNodeOptions options, ILogger<StorageNodeService> logger)
    : StorageNodeContract.StorageNodeBase
{
    private const int DefaultListLimit = 1000;
    private const int MaxListLimit = 10_000;

    public override async Task<WriteShardResponse> WriteShard(IAsyncStreamReader<WriteShardRequest> requestStream, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        if (!await requestStream.MoveNext(ct) || requestStream.Current.PartCase != WriteShardRequest.PartOneofCase.Header)
        {
            throw new InvalidShardWriteException("the first message of WriteShard must be the header");
        }

        var header = requestStream.Current.Header;
        using var activity = StorageNodeMetrics.ActivitySource.StartActivity("WriteShard");
        activity?.SetTag("cairn.disk", header.DiskId);
        var stored = await disks.Get(header.DiskId).Store.WriteAsync(header.ShardId, (int)Math.Min(header.BlockSize, int.MaxValue), Blocks(requestStream, ct), ct);
        return new WriteShardResponse { Length = (ulong)stored.Length, Blocks = (uint)stored.Blocks };
    }

    public override async Task ReadShard(ReadShardRequest request, IServerStreamWriter<ShardBlock> responseStream, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        using var activity = StorageNodeMetrics.ActivitySource.StartActivity("ReadShard");
        activity?.SetTag("cairn.disk", request.DiskId);
        await using var shard = await disks.Get(request.DiskId).Store.OpenReadAsync(request.ShardId, ct);
        await foreach (var block in shard.ReadBlocksAsync(ToLong(request.Offset), ToLong(request.Length), ct))
        {
            // Wrapping the pooled buffer is safe: the message is serialized before WriteAsync completes,
            // and the buffer is reused only after that.
            await responseStream.WriteAsync(
                new ShardBlock { Offset = (ulong)block.Offset, Data = UnsafeByteOperations.UnsafeWrap(block.Data), Crc32C = block.Crc32C },
                ct);
        }
    }

    public override async Task<DeleteShardResponse> DeleteShard(DeleteShardRequest request, ServerCallContext context) =>
        new() { Existed = await disks.Get(request.DiskId).Store.DeleteAsync(request.ShardId, context.CancellationToken) };

    public override async Task<ShardInfo> StatShard(StatShardRequest request, ServerCallContext context)
    {
        var stored = await disks.Get(request.DiskId).Store.StatAsync(request.ShardId, context.CancellationToken)
            ?? throw new ShardMissingException(request.ShardId);
        return ToProto(stored);
    }

    public override Task<ListShardsResponse> ListShards(ListShardsRequest request, ServerCallContext context)
    {
        int limit = request.Limit == 0 ? DefaultListLimit : (int)Math.Min(request.Limit, MaxListLimit);
        var page = disks.Get(request.DiskId).Store.List(request.StartAfter, limit);
        var response = new ListShardsResponse { IsTruncated = page.IsTruncated };
        response.Shards.AddRange(page.Shards.Select(ToProto));
        return Task.FromResult(response);
    }

    public override async Task<ScrubDiskResponse> ScrubDisk(ScrubDiskRequest request, ServerCallContext context)
    {
        var report = await disks.Get(request.DiskId).Store.ScrubAsync(context.CancellationToken);
        var response = new ScrubDiskResponse { ShardsChecked = (ulong)report.ShardsChecked, BlocksChecked = (ulong)report.BlocksChecked };
        response.CorruptShardIds.AddRange(report.CorruptShardIds);
        return response;
    }

    public override Task<NodeStatus> GetNodeStatus(GetNodeStatusRequest request, ServerCallContext context)
    {
        var status = new NodeStatus { NodeId = options.NodeId, DataUrl = options.AdvertisedDataUrl ?? "" };
        status.Disks.AddRange(disks.All.Select(ToProto));
        return Task.FromResult(status);
    }

    public override Task<InjectFaultResponse> InjectFault(InjectFaultRequest request, ServerCallContext context)
    {
        if (request.ErrorRate is < 0 or > 1 || double.IsNaN(request.ErrorRate))
        {
            throw new ArgumentException("error_rate must be within 0..1");
        }

        disks.Get(request.DiskId).Store.InjectFault(new InjectedFault((int)Math.Min(request.LatencyMs, 60_000), request.ErrorRate));
        StorageNodeLog.FaultInjected(logger, request.DiskId, request.LatencyMs, request.ErrorRate);
        return Task.FromResult(new InjectFaultResponse());
    }

    /// <summary>The request stream as blocks; ends normally only at a commit whose length matches what was sent.</summary>
    private static async IAsyncEnumerable<IncomingBlock> Blocks(IAsyncStreamReader<WriteShardRequest> requests, [EnumeratorCancellation] CancellationToken ct)
    {
        long sent = 0;
        while (await requests.MoveNext(ct))
        {
            var message = requests.Current;
            switch (message.PartCase)
            {
                case WriteShardRequest.PartOneofCase.Block:
                    var block = message.Block;
                    yield return new IncomingBlock((long)block.Offset, block.Data.Memory, block.Crc32C);
                    sent += block.Data.Length;
                    break;
                case WriteShardRequest.PartOneofCase.Commit when (long)message.Commit.Length == sent:
                    yield break;
                case WriteShardRequest.PartOneofCase.Commit:
                    throw new InvalidShardWriteException($"commit says {message.Commit.Length} bytes, {sent} were sent");
                default:
                    throw new InvalidShardWriteException("unexpected message in the WriteShard stream");
            }
        }

        // The client went away without committing: the partial shard must not become visible.
        throw new InvalidShardWriteException("the WriteShard stream ended without a commit");
    }

    private static long ToLong(ulong value) =>
        value <= long.MaxValue ? (long)value : throw new ArgumentOutOfRangeException(nameof(value), "offset or length too large");

    private static ShardInfo ToProto(StoredShard shard) => new()
    {
        ShardId = shard.ShardId,
        Length = (ulong)shard.Length,
        BlockSize = (uint)shard.BlockSize,
        CreatedUnixMs = shard.CreatedUnixMs,
    };

    private static DiskStatus ToProto(Disk disk)
    {
        var usage = disk.Store.GetUsage();
        var counters = disk.Store.Counters;
        var fault = disk.Store.Fault;
        return new DiskStatus
        {
            DiskId = disk.Id,
            Path = disk.Path,
            CapacityBytes = (ulong)Math.Max(0, usage.CapacityBytes),
            UsedBytes = (ulong)usage.UsedBytes,
            State = disk.State,
            ShardCount = (ulong)usage.ShardCount,
            Reads = (ulong)counters.Reads,
            Writes = (ulong)counters.Writes,
            BytesRead = (ulong)counters.BytesRead,
            BytesWritten = (ulong)counters.BytesWritten,
            Errors = (ulong)counters.Errors,
            ReadP99Ms = counters.ReadP99Ms,
            InjectedLatencyMs = (uint)fault.LatencyMs,
            InjectedErrorRate = fault.ErrorRate,
        };
    }
}
