using Cairn.Common.V1;
using Cairn.Frontend.Backends;
using Cairn.Placement.V1;
using Cairn.S3.Protocol;
using Grpc.Core;

namespace Cairn.Frontend.DataPath;

/// <summary>
/// One open shard write per shard index (replicas, or the k+m shards of an erasure-coded payload), each on its
/// own disk. A shard that fails after its first block cannot be replaced (its bytes are gone), so the whole PUT
/// fails with 503 and leaves orphans for GC: every acknowledged payload has all its shards durable.
/// </summary>
internal sealed class ShardWriteSet : IAsyncDisposable
{
    private const int OpenAttempts = 3;
    private readonly List<IShardWrite> _writers;

    private ShardWriteSet(List<IShardWrite> writers, List<ShardLocation> locations)
    {
        _writers = writers;
        Locations = locations;
    }

    public IReadOnlyList<ShardLocation> Locations { get; }

    /// <summary>Chooses disks and opens a write on each, excluding disks that fail to open and retrying.</summary>
    public static async Task<ShardWriteSet> OpenAsync(IShardPlacement placement, IShardStorage storage, string bucket, int shards, int blockSize, long shardSizeHint, CancellationToken ct)
    {
        var exclude = new List<string>();
        var objectId = Guid.NewGuid().ToString("N");
        for (var attempt = 0; attempt < OpenAttempts; attempt++)
        {
            var disks = await placement.ChooseShardSetAsync(shards, shardSizeHint, exclude, bucket, ct);
            var opens = disks.Select((disk, i) => OpenOneAsync(storage, disk, $"{objectId}.{attempt}.{i}", blockSize, ct)).ToArray();
            try
            {
                await Task.WhenAll(opens);
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                // Inspect each open below; the failed ones are excluded from the next choice.
            }
            if (opens.All(t => t.IsCompletedSuccessfully))
            {
                var writers = opens.Select(t => t.Result.Writer).ToList();
                var locations = opens.Select((t, i) => new ShardLocation { Index = (uint)i, DiskId = disks[i].DiskId, ShardId = t.Result.ShardId }).ToList();
                return new ShardWriteSet(writers, locations);
            }
            for (var i = 0; i < opens.Length; i++)
            {
                if (opens[i].IsCompletedSuccessfully)
                {
                    await opens[i].Result.Writer.DisposeAsync();
                }
                else
                {
                    exclude.Add(disks[i].DiskId);
                }
            }
            ct.ThrowIfCancellationRequested();
        }
        throw S3Errors.ServiceUnavailable();
    }

    /// <summary>The same block to every shard (replication).</summary>
    public async Task WriteBlockAsync(ReadOnlyMemory<byte> block, CancellationToken ct)
    {
        await Guard(Task.WhenAll(_writers.Select(w => w.WriteBlockAsync(block, ct))), ct);
    }

    /// <summary>Block i to shard i, all in parallel (one stripe of an erasure-coded payload).</summary>
    public async Task WriteBlocksAsync(IReadOnlyList<ReadOnlyMemory<byte>> blocks, CancellationToken ct)
    {
        var writes = new Task[_writers.Count];
        for (var i = 0; i < writes.Length; i++)
        {
            writes[i] = _writers[i].WriteBlockAsync(blocks[i], ct);
        }
        await Guard(Task.WhenAll(writes), ct);
    }

    public async Task CommitAsync(CancellationToken ct)
    {
        await Guard(Task.WhenAll(_writers.Select(w => w.CommitAsync(ct))), ct);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var writer in _writers)
        {
            try
            {
                await writer.DisposeAsync();
            }
            catch (Exception)
            {
                // Aborting an already broken stream can fail too; the shard is an orphan either way.
            }
        }
    }

    private static async Task<(IShardWrite Writer, string ShardId)> OpenOneAsync(IShardStorage storage, DiskInfo disk, string shardId, int blockSize, CancellationToken ct) =>
        (await storage.OpenWriteAsync(disk.Endpoint, disk.DiskId, shardId, blockSize, ct), shardId);

    private static async Task Guard(Task task, CancellationToken ct)
    {
        try
        {
            await task;
        }
        catch (Exception e) when ((e is RpcException or IOException or InvalidOperationException) && !ct.IsCancellationRequested)
        {
            // A storage node failed mid-write: the client may retry the whole request.
            throw S3Errors.ServiceUnavailable();
        }
    }
}
