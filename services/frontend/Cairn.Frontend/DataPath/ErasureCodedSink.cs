using System.Buffers;
using System.Collections.Concurrent;
using Cairn.Common.V1;
using Cairn.ErasureCoding;

namespace Cairn.Frontend.DataPath;

/// <summary>One codec per (k, m): the codec caches decode matrices per erasure pattern, so it is shared.</summary>
internal static class Codecs
{
    private static readonly ConcurrentDictionary<(int K, int M), ReedSolomon> Cache = new();

    public static ReedSolomon Get(int k, int m) => Cache.GetOrAdd((k, m), key => new ReedSolomon(key.K, key.M));
}

/// <summary>
/// Cuts the payload into stripes of k blocks (<see cref="StripeLayout"/>: full stripes of k*B bytes, a last
/// stripe of r bytes in blocks of ceil(r/k), zero padded) and encodes m parity blocks per stripe. Shard i
/// receives block i of every stripe, so stripe s sits at offset s*B of every shard. Parity goes to two pooled
/// buffers used in turn: one stripe is encoded while the previous one is still being written.
/// </summary>
internal sealed class ErasureCodedSink : IPayloadSink
{
    private readonly LazyShardSet _shards;
    private readonly ReedSolomon _codec;
    private readonly int _blockSize;
    private readonly byte[][] _parity;
    private int _stripes;

    public ErasureCodedSink(LazyShardSet shards, int dataShards, int parityShards, int blockSize)
    {
        _shards = shards;
        _codec = Codecs.Get(dataShards, parityShards);
        _blockSize = blockSize;
        _parity = [ArrayPool<byte>.Shared.Rent(parityShards * blockSize), ArrayPool<byte>.Shared.Rent(parityShards * blockSize)];
    }

    public int UnitSize => _codec.DataShards * _blockSize;

    public ReadOnlyMemory<byte>[] Prepare(Memory<byte> unit, int length)
    {
        int k = _codec.DataShards, m = _codec.ParityShards;
        var b = length == UnitSize ? _blockSize : (length + k - 1) / k;
        // The pooled buffer holds old bytes past the payload: the padding must be zeros for every reader's decode.
        unit.Span[length..(k * b)].Clear();
        var parity = _parity[_stripes++ % 2];
        var blocks = new ReadOnlyMemory<byte>[k + m];
        var data = new ReadOnlyMemory<byte>[k];
        var outputs = new Memory<byte>[m];
        for (var j = 0; j < k; j++)
        {
            blocks[j] = data[j] = unit.Slice(j * b, b);
        }
        for (var p = 0; p < m; p++)
        {
            blocks[k + p] = outputs[p] = parity.AsMemory(p * b, b);
        }
        _codec.Encode(data, outputs);
        return blocks;
    }

    public async Task WriteAsync(ReadOnlyMemory<byte>[] blocks, CancellationToken ct) =>
        await (await _shards.GetAsync(ct)).WriteBlocksAsync(blocks, ct);

    public async Task<ShardLayout> CommitAsync(long size, CancellationToken ct)
    {
        var layout = new ShardLayout
        {
            Scheme = RedundancyScheme.ErasureCoded,
            DataShards = (uint)_codec.DataShards,
            ParityShards = (uint)_codec.ParityShards,
            BlockSize = (uint)_blockSize,
            Size = (ulong)size,
        };
        if (_shards.Set is { } set)
        {
            await set.CommitAsync(ct);
            layout.Shards.AddRange(set.Locations);
        }
        return layout;
    }

    public async ValueTask DisposeAsync()
    {
        // The writer awaits in-flight writes before disposing, so no write still reads these buffers.
        await _shards.DisposeAsync();
        ArrayPool<byte>.Shared.Return(_parity[0]);
        ArrayPool<byte>.Shared.Return(_parity[1]);
    }
}
