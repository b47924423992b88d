using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Cairn.StorageNode.Shards;
using Cairn.StorageNode.Shards.Engine;

namespace Cairn.StorageNode.Disks;

/// <summary>
/// Health and heat around one disk's store: counts operations, bytes, errors and latency, applies injected
/// faults, and marks the disk failed after repeated real I/O errors (then every call is refused).
/// </summary>
public sealed class InstrumentedShardStore(IShardStore inner, string diskId, StorageNodeMetrics? metrics = null) : IShardStore, IDisposable
{
    /// <summary>Consecutive real I/O errors after which the disk is declared failed.</summary>
    public const int FailureThreshold = 5;

    private readonly StorageNodeMetrics? _metrics = metrics;
    private readonly LatencyRecorder _readLatency = new();
    private readonly LatencyRecorder _writeLatency = new();
    private long _reads, _writes, _bytesRead, _bytesWritten, _errors;
    private int _consecutiveIoErrors;
    private int _inFlight;
    private volatile bool _failed;
    private volatile InjectedFault _fault = InjectedFault.None;

    public string DiskId { get; } = diskId;

    public bool Failed => _failed;

    public InjectedFault Fault => _fault;

    public DiskCounters Counters => new(
        Interlocked.Read(ref _reads),
        Interlocked.Read(ref _writes),
        Interlocked.Read(ref _bytesRead),
        Interlocked.Read(ref _bytesWritten),
        Interlocked.Read(ref _errors),
        _readLatency.Percentile(0.5),
        _readLatency.Percentile(0.99),
        _writeLatency.Percentile(0.99),
        Volatile.Read(ref _inFlight));

    public void InjectFault(InjectedFault fault) => _fault = fault;

    /// <summary>Takes the disk out of service (it could not be opened); every call is refused from now on.</summary>
    public void MarkFailed() => _failed = true;

    public async Task<StoredShard> WriteAsync(string shardId, int blockSize, IAsyncEnumerable<IncomingBlock> blocks, CancellationToken ct)
    {
        await BeforeAsync(ct);
        long start = Stopwatch.GetTimestamp();
        var stored = await Observe(inner.WriteAsync(shardId, blockSize, blocks, ct));
        double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        _writeLatency.Record(ms);
        Interlocked.Increment(ref _writes);
        Interlocked.Add(ref _bytesWritten, stored.Length);
        _metrics?.RecordWrite(DiskId, stored.Length, ms);
        return stored;
    }

    /// <summary>A small shard through the fast path when it has one (as a stream), else the stream path.</summary>
    public Task<IShardReadStream> OpenReadAsync(string shardId, CancellationToken ct)
    {
        try
        {
            return TryReadWhole(shardId, out var whole) ? Task.FromResult<IShardReadStream>(whole) : OpenStreamAsync(shardId, ct);
        }
        catch (Exception ex)
        {
            return Task.FromException<IShardReadStream>(ex);
        }
    }

    /// <summary>
    /// The inner store's fast path, counted like a read: bytes, latency, errors (an I/O error counts toward
    /// failing the disk). An injected fault sends the caller to the stream path, which applies it.
    /// </summary>
    public bool TryReadWhole(string shardId, [NotNullWhen(true)] out WholeShard? shard)
    {
        ThrowIfFailed();
        shard = null;
        if (_fault != InjectedFault.None)
        {
            return false;
        }

        long start = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref _inFlight);
        try
        {
            if (!inner.TryReadWhole(shardId, out shard))
            {
                return false;
            }

            Volatile.Write(ref _consecutiveIoErrors, 0);
        }
        catch (Exception ex) when (ex is not ShardMissingException and not OperationCanceledException)
        {
            OnError(ex);
            throw;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }

        Interlocked.Increment(ref _reads);
        RecordRead(shard.Length, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        return true;
    }

    /// <summary>Bytes read and the time they took, for the heat report and the metrics (both read paths).</summary>
    private void RecordRead(long bytes, double ms)
    {
        _readLatency.Record(ms);
        Interlocked.Add(ref _bytesRead, bytes);
        _metrics?.RecordRead(DiskId, bytes, ms);
    }

    private async Task<IShardReadStream> OpenStreamAsync(string shardId, CancellationToken ct)
    {
        await BeforeAsync(ct);
        var stream = await Observe(inner.OpenReadAsync(shardId, ct));
        Interlocked.Increment(ref _reads);
        return new CountingReadStream(stream, this);
    }

    public async Task<bool> DeleteAsync(string shardId, CancellationToken ct)
    {
        await BeforeAsync(ct);
        return await Observe(inner.DeleteAsync(shardId, ct));
    }

    public async Task<StoredShard?> StatAsync(string shardId, CancellationToken ct)
    {
        await BeforeAsync(ct);
        return await Observe(inner.StatAsync(shardId, ct));
    }

    public ShardPage List(string? startAfter, int limit)
    {
        ThrowIfFailed();
        return inner.List(startAfter, limit);
    }

    public async Task<ScrubReport> ScrubAsync(CancellationToken ct)
    {
        ThrowIfFailed();
        var report = await Observe(inner.ScrubAsync(ct));
        foreach (var shardId in report.CorruptShardIds)
        {
            CorruptShardFound?.Invoke(DiskId, shardId, "scrub");
        }

        return report;
    }

    public StoreUsage GetUsage() => inner.GetUsage();

    /// <summary>The engine's own figures (commit queue depth, batches, dead bytes), when the store is the engine.</summary>
    public EngineStats? EngineStats => (inner as ShardEngine)?.Stats;

    public void Dispose() => (inner as IDisposable)?.Dispose();

    private async Task BeforeAsync(CancellationToken ct)
    {
        ThrowIfFailed();
        var fault = _fault;
        if (fault.LatencyMs > 0)
        {
            await Task.Delay(fault.LatencyMs, ct);
        }

        if (fault.ErrorRate > 0 && Random.Shared.NextDouble() < fault.ErrorRate)
        {
            // Injected errors are counted but never fail the disk: a benchmark's 10% error rate must not
            // turn into a permanently failed disk.
            CountError();
            throw new DiskIoException($"injected fault on disk '{DiskId}'");
        }
    }

    private void ThrowIfFailed()
    {
        if (_failed)
        {
            throw new DiskFailedException(DiskId);
        }
    }

    private async Task<T> Observe<T>(Task<T> operation)
    {
        // Operations that have started and not finished: the disk's queue depth for the heat monitor.
        Interlocked.Increment(ref _inFlight);
        try
        {
            var result = await operation;
            Volatile.Write(ref _consecutiveIoErrors, 0);
            return result;
        }
        catch (Exception ex) when (ex is not ShardMissingException and not OperationCanceledException)
        {
            OnError(ex);
            throw;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>Raised when a read or a scrub finds stored bytes that fail their checks (disk id, shard id, reason).</summary>
    public event Action<string, string, string>? CorruptShardFound;

    private void OnError(Exception ex)
    {
        if (ex is ShardDamagedException damaged)
        {
            CorruptShardFound?.Invoke(DiskId, damaged.ShardId, damaged.Message);
        }

        CountError();
        if (ex is DiskIoException && Interlocked.Increment(ref _consecutiveIoErrors) >= FailureThreshold)
        {
            _failed = true;
        }
    }

    private void CountError()
    {
        Interlocked.Increment(ref _errors);
        _metrics?.RecordError(DiskId);
    }

    /// <summary>Counts the bytes a read hands out and the time spent in the disk (not in the consumer).</summary>
    private sealed class CountingReadStream(IShardReadStream inner, InstrumentedShardStore owner) : IShardReadStream
    {
        public StoredShard Info => inner.Info;

        public async IAsyncEnumerable<StoredBlock> ReadBlocksAsync(long offset, long length, [EnumeratorCancellation] CancellationToken ct)
        {
            long diskTicks = 0, bytes = 0;
            await using var blocks = inner.ReadBlocksAsync(offset, length, ct).GetAsyncEnumerator(ct);
            Interlocked.Increment(ref owner._inFlight);
            try
            {
                while (true)
                {
                    long start = Stopwatch.GetTimestamp();
                    bool more;
                    try
                    {
                        more = await blocks.MoveNextAsync();
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        owner.OnError(ex);
                        throw;
                    }

                    diskTicks += Stopwatch.GetTimestamp() - start;
                    if (!more)
                    {
                        break;
                    }

                    bytes += blocks.Current.Data.Length;
                    yield return blocks.Current;
                }
            }
            finally
            {
                Interlocked.Decrement(ref owner._inFlight);
                owner.RecordRead(bytes, diskTicks * 1000.0 / Stopwatch.Frequency);
            }
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}

/// <summary>A test and benchmark hook: added latency per operation and the probability an operation fails.</summary>
public sealed record InjectedFault(int LatencyMs, double ErrorRate)
{
    public static readonly InjectedFault None = new(0, 0);
}

/// <summary>Cumulative counters of one disk since start, plus recent latency percentiles.</summary>
public readonly record struct DiskCounters(
    long Reads, long Writes, long BytesRead, long BytesWritten, long Errors, double ReadP50Ms, double ReadP99Ms, double WriteP99Ms, int QueueDepth);
