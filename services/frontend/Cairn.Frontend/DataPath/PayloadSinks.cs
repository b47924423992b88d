using Cairn.Common.V1;
using Cairn.Frontend.Backends;

namespace Cairn.Frontend.DataPath;

/// <summary>
/// Where <see cref="ObjectWriter"/> sends the payload, one unit at a time (a block for replicas, a stripe of k
/// blocks for erasure coding). <see cref="Prepare"/> runs while the previous unit's write is still in flight;
/// the shard set is opened on the first write, so an empty payload touches no disk.
/// </summary>
internal interface IPayloadSink : IAsyncDisposable
{
    /// <summary>Payload bytes per unit; every unit but the last is full.</summary>
    int UnitSize { get; }

    /// <summary>The blocks to store for a unit holding <paramref name="length"/> payload bytes.</summary>
    ReadOnlyMemory<byte>[] Prepare(Memory<byte> unit, int length);

    Task WriteAsync(ReadOnlyMemory<byte>[] blocks, CancellationToken ct);

    /// <summary>Returns once every shard is durable.</summary>
    Task<ShardLayout> CommitAsync(long size, CancellationToken ct);
}

/// <summary>Places shards and opens their writes on the first unit; shared by both sinks.</summary>
internal sealed class LazyShardSet(IShardPlacement placement, IShardStorage storage, string bucket, int shards, int blockSize, long shardSizeHint)
{
    public ShardWriteSet? Set { get; private set; }

    public async Task<ShardWriteSet> GetAsync(CancellationToken ct) =>
        Set ??= await ShardWriteSet.OpenAsync(placement, storage, bucket, shards, blockSize, shardSizeHint, ct);

    public async ValueTask DisposeAsync()
    {
        if (Set is not null)
        {
            // After a commit this is a no-op close; before it, it aborts the writes.
            await Set.DisposeAsync();
        }
    }
}

/// <summary>Every block to every replica.</summary>
internal sealed class ReplicatedSink(LazyShardSet shards, int copies, int blockSize) : IPayloadSink
{
    public int UnitSize => blockSize;

    public ReadOnlyMemory<byte>[] Prepare(Memory<byte> unit, int length) => [unit[..length]];

    public async Task WriteAsync(ReadOnlyMemory<byte>[] blocks, CancellationToken ct) =>
        await (await shards.GetAsync(ct)).WriteBlockAsync(blocks[0], ct);

    public async Task<ShardLayout> CommitAsync(long size, CancellationToken ct)
    {
        var layout = new ShardLayout
        {
            Scheme = RedundancyScheme.Replicated,
            DataShards = 1,
            ParityShards = (uint)Math.Max(0, copies - 1),
            BlockSize = (uint)blockSize,
            Size = (ulong)size,
        };
        if (shards.Set is { } set)
        {
            await set.CommitAsync(ct);
            layout.Shards.AddRange(set.Locations);
        }
        return layout;
    }

    public ValueTask DisposeAsync() => shards.DisposeAsync();
}
