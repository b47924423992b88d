using Cairn.Frontend.Backends;
using Cairn.StorageNode.Client;

namespace Cairn.Frontend.DataPath;

/// <summary>
/// One streaming, verified read of a shard from a position to the end of what the request needs, consumed
/// block by block: a ranged GET over many stripes costs one ReadShard call per shard, not one per stripe.
/// A cursor that failed or was cancelled mid-block is broken and must be replaced.
/// </summary>
internal sealed class ShardCursor : IAsyncDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly IShardReadCursor _read;
    private bool _broken;

    public ShardCursor(IShardStorage storage, string endpoint, string diskId, string shardId, long offset, long end, CancellationToken ct)
    {
        _cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _read = storage.OpenCursor(endpoint, diskId, shardId, offset, end - offset, _cts.Token);
        Position = offset;
    }

    /// <summary>Shard offset of the next byte this cursor yields.</summary>
    public long Position { get; private set; }

    /// <summary>Failed or cancelled mid-block, or cancelled just after its last block (a losing hedge race).</summary>
    public bool Broken => _broken || _cts.IsCancellationRequested;

    /// <summary>Fills <paramref name="into"/> with the next bytes; a stream ending early is corruption (truncated shard).</summary>
    public async Task ReadExactlyAsync(Memory<byte> into, CancellationToken ct)
    {
        _broken = true; // until the block is complete
        await using var cancel = ct.Register(static s => ((CancellationTokenSource)s!).Cancel(), _cts);
        await _read.ReadExactlyAsync(into, _cts.Token);
        Position += into.Length;
        _broken = false;
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        try
        {
            await _read.DisposeAsync();
        }
        catch (Exception)
        {
            // Closing a failed or cancelled stream can throw again; the cursor is gone either way.
        }
        _cts.Dispose();
    }
}
