using System.Buffers;
using Cairn.ErasureCoding;
using Cairn.Frontend.Telemetry;
using Cairn.S3.Protocol;

namespace Cairn.Frontend.DataPath;

/// <summary>
/// The state of one erasure-coded range read: the shard preference order (failed shards drop out, shards that
/// needed a hedge move to the back), one streaming cursor and one pooled block buffer per shard in use.
/// Each stripe is a race (<see cref="FetchAsync"/>) that ends as soon as the stripe can be served.
/// </summary>
internal sealed class StripeRead(StripeReadContext context, int[] ranking) : IAsyncDisposable
{
    private readonly int _k = context.Codec.DataShards;
    private readonly int _n = context.Codec.TotalShards;
    private readonly List<int> _order = [.. ranking];
    private readonly bool[] _failed = context.Shards.Select(s => s.Disk is null).ToArray();
    private readonly byte[]?[] _slots = new byte[]?[context.Codec.TotalShards];
    private readonly ShardCursor?[] _cursors = new ShardCursor?[context.Codec.TotalShards];
    private Memory<byte>[]? _into; // data blocks of the stripe being fetched in place (FetchIntoAsync)

    /// <summary>
    /// Reads the stripe and returns its data blocks (index 0..k-1, each <c>slice.BlockSize</c> bytes; those
    /// the slice touches are valid). Throws ServiceUnavailable when fewer than k shards can be read.
    /// </summary>
    public async Task<Memory<byte>[]> FetchAsync(StripeSlice slice, CancellationToken ct)
    {
        await FetchCoreAsync(slice, ct);
        var blocks = new Memory<byte>[_k];
        for (var j = 0; j < _k; j++)
        {
            blocks[j] = Slot(j).AsMemory(0, slice.BlockSize);
        }
        return blocks;
    }

    /// <summary>
    /// Reads a whole stripe (<see cref="IsWholeStripe"/>) with its k data blocks landing back to back in
    /// <paramref name="into"/> (k * BlockSize bytes, e.g. the response's own buffer): shard reads and any decode
    /// write there directly, so the bytes are not copied again on their way out. Every read that could still write
    /// has finished when this returns; on a failure <paramref name="into"/> holds garbage and must not be sent.
    /// </summary>
    public async Task FetchIntoAsync(StripeSlice slice, Memory<byte> into, CancellationToken ct)
    {
        _into = new Memory<byte>[_k];
        for (var j = 0; j < _k; j++)
        {
            _into[j] = into.Slice(j * slice.BlockSize, slice.BlockSize);
        }
        try
        {
            await FetchCoreAsync(slice, ct);
        }
        finally
        {
            _into = null;
        }
    }

    /// <summary>True when the slice is the whole stripe: every data block, whole, in order.</summary>
    public bool IsWholeStripe(StripeSlice slice)
    {
        if (slice.Blocks.Count != _k)
        {
            return false;
        }
        for (var j = 0; j < _k; j++)
        {
            var block = slice.Blocks[j];
            if (block.Shard != j || block.OffsetInBlock != 0 || block.Length != slice.BlockSize)
            {
                return false;
            }
        }
        return true;
    }

    private async Task FetchCoreAsync(StripeSlice slice, CancellationToken ct)
    {
        var needed = slice.Blocks.Select(x => x.Shard).ToArray();
        var arrived = await RaceAsync(slice, needed, ct);
        if (!needed.All(j => arrived[j]))
        {
            Decode(arrived, slice.BlockSize);
            context.Metrics.DecodedStripe();
        }
    }

    /// <summary>
    /// Starts reads of the needed data shards when the ranking puts them all among its first k (no decode),
    /// otherwise of the first k ranked shards. A failed read is replaced by the next ranked shard; a read slower
    /// than its disk's hedge delay gets a spare read alongside it; the race ends when every needed data block
    /// has arrived or any k blocks have (enough to decode).
    /// </summary>
    private async Task<bool[]> RaceAsync(StripeSlice slice, int[] needed, CancellationToken ct)
    {
        var arrived = new bool[_n];
        var started = new bool[_n];
        var arrivedCount = 0;
        var reads = new List<BlockRead>();
        var abandoned = new List<BlockRead>();
        var primary = _order.Where(i => !_failed[i]).Take(_k).ToList();
        var direct = needed.All(primary.Contains);
        foreach (var i in direct ? needed : primary.ToArray())
        {
            reads.Add(Start(i));
        }
        try
        {
            while (!needed.All(j => arrived[j]) && arrivedCount < _k)
            {
                if (!direct)
                {
                    // Keep enough reads that are not known to be slow in flight to reach k.
                    while (arrivedCount + reads.Count(r => !r.Slow) < _k && StartNext() is { } spare)
                    {
                        reads.Add(spare);
                    }
                }
                if (reads.Count == 0)
                {
                    throw S3Errors.ServiceUnavailable();
                }

                using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var wake = Task.Delay(NextDeadline(reads), context.Time, timer.Token);
                var first = await Task.WhenAny(reads.Select(r => r.Task).Append(wake));
                await timer.CancelAsync();
                ct.ThrowIfCancellationRequested();
                foreach (var read in reads.Where(r => r.Task.IsCompleted).ToList())
                {
                    reads.Remove(read);
                    read.Cancellation.Dispose();
                    if (read.Task.IsCompletedSuccessfully)
                    {
                        arrived[read.Index] = true;
                        arrivedCount++;
                        context.Latencies.Record(DiskId(read.Index), context.Time.GetElapsedTime(read.Started));
                    }
                    else
                    {
                        Fail(read.Index, read.Task.Exception?.InnerException?.Message ?? "cancelled");
                        direct &= !needed.Contains(read.Index);
                    }
                }
                if (first == wake)
                {
                    direct &= !CheckDeadlines(reads, abandoned, needed);
                }
            }
            foreach (var read in reads.Where(r => r.Slow))
            {
                // Lost to its hedge: prefer other shards for the rest of this read, and let the disk's record show
                // at least the time it had taken (a slow disk is otherwise never sampled once it is hedged away).
                _order.Remove(read.Index);
                _order.Add(read.Index);
                context.Latencies.Record(DiskId(read.Index), context.Time.GetElapsedTime(read.Started));
            }
            return arrived;
        }
        finally
        {
            // Losers still write into their pooled block: they must stop before the buffer is reused.
            foreach (var read in reads.Concat(abandoned))
            {
                await read.Cancellation.CancelAsync();
            }
            foreach (var read in reads.Concat(abandoned))
            {
                await read.Task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                read.Cancellation.Dispose();
            }
        }

        BlockRead? StartNext()
        {
            var next = _order.FirstOrDefault(i => !_failed[i] && !started[i], -1);
            return next < 0 ? null : Start(next);
        }

        BlockRead Start(int index)
        {
            started[index] = true;
            var cancellation = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var startedAt = context.Time.GetTimestamp();
            return new BlockRead(index, ReadBlockAsync(index, slice, ct, cancellation.Token), startedAt, context.Latencies.HedgeDelay(DiskId(index)), cancellation);
        }
    }

    /// <summary>Marks reads past their timeout as failed and reads past their hedge delay as slow; true when a needed shard is affected.</summary>
    private bool CheckDeadlines(List<BlockRead> reads, List<BlockRead> abandoned, int[] needed)
    {
        var affectsNeeded = false;
        foreach (var read in reads.ToList())
        {
            var elapsed = context.Time.GetElapsedTime(read.Started);
            if (elapsed.TotalMilliseconds >= context.Steering.ReadTimeoutMs)
            {
                reads.Remove(read);
                abandoned.Add(read);
                read.Cancellation.Cancel();
                context.Latencies.Record(DiskId(read.Index), elapsed);
                Fail(read.Index, "timed out");
                affectsNeeded |= needed.Contains(read.Index);
            }
            else if (context.Steering.HedgeEnabled && !read.Slow && elapsed >= read.HedgeDelay)
            {
                read.Slow = true;
                context.Metrics.HedgedRead();
                affectsNeeded |= needed.Contains(read.Index);
            }
        }
        return affectsNeeded;
    }

    private TimeSpan NextDeadline(List<BlockRead> reads)
    {
        var wait = TimeSpan.MaxValue;
        foreach (var read in reads)
        {
            var elapsed = context.Time.GetElapsedTime(read.Started);
            var deadline = TimeSpan.FromMilliseconds(context.Steering.ReadTimeoutMs);
            if (context.Steering.HedgeEnabled && !read.Slow && read.HedgeDelay < deadline)
            {
                deadline = read.HedgeDelay;
            }
            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks, Math.Max(0, (deadline - elapsed).Ticks)));
        }
        return wait;
    }

    private async Task ReadBlockAsync(int index, StripeSlice slice, CancellationToken requestCt, CancellationToken ct)
    {
        var block = Block(index, slice.BlockSize);
        var cursor = _cursors[index];
        if (cursor is null || cursor.Broken || cursor.Position != slice.ShardOffset)
        {
            if (cursor is not null)
            {
                await cursor.DisposeAsync();
            }
            var source = context.Shards[index];
            cursor = _cursors[index] = new ShardCursor(context.Storage, source.Disk!.Endpoint, source.Disk.DiskId, source.Location.ShardId,
                slice.ShardOffset, context.ShardEnd, requestCt);
        }
        try
        {
            await cursor.ReadExactlyAsync(block, ct);
        }
        catch (Exception)
        {
            _cursors[index] = null;
            await cursor.DisposeAsync();
            throw;
        }
    }

    private void Decode(bool[] arrived, int blockSize)
    {
        var shards = new Memory<byte>[_n];
        for (var i = 0; i < _n; i++)
        {
            shards[i] = i < _k || arrived[i] ? Block(i, blockSize) : Memory<byte>.Empty;
        }
        context.Codec.ReconstructData(shards, arrived);
    }

    private void Fail(int index, string reason)
    {
        _failed[index] = true;
        context.Metrics.DegradedRead();
        var shard = context.Shards[index];
        FrontendLog.ShardReadFailed(context.Logger, shard.Location.ShardId, index, shard.Location.DiskId, reason);
    }

    private byte[] Slot(int index) => _slots[index] ??= ArrayPool<byte>.Shared.Rent(context.BlockSize);

    /// <summary>Where shard <paramref name="index"/>'s block of the current stripe goes: the caller's area for data blocks of an in-place fetch, else its pooled slot.</summary>
    private Memory<byte> Block(int index, int blockSize) =>
        _into is not null && index < _k ? _into[index] : Slot(index).AsMemory(0, blockSize);

    private string DiskId(int index) => context.Shards[index].Location.DiskId;

    public async ValueTask DisposeAsync()
    {
        foreach (var cursor in _cursors)
        {
            if (cursor is not null)
            {
                await cursor.DisposeAsync();
            }
        }
        foreach (var slot in _slots)
        {
            if (slot is not null)
            {
                ArrayPool<byte>.Shared.Return(slot);
            }
        }
    }

    private sealed class BlockRead(int index, Task task, long started, TimeSpan hedgeDelay, CancellationTokenSource cancellation)
    {
        public int Index { get; } = index;
        public Task Task { get; } = task;
        public long Started { get; } = started;
        public TimeSpan HedgeDelay { get; } = hedgeDelay;
        public CancellationTokenSource Cancellation { get; } = cancellation;

        /// <summary>Past its hedge delay: a spare read runs alongside it.</summary>
        public bool Slow { get; set; }
    }
}
