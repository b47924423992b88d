using System.Buffers;

namespace Cairn.StorageNode.Shards.Engine;

/// <summary>
/// Makes index changes durable in batches, one batch at a time; every batch gets the next sequence number.
/// A request that finds the committer idle is committed on the caller's thread (a lone writer pays no
/// thread hand-offs); requests that arrive while a batch is in flight queue up and are committed together
/// by the commit thread (group commit).
/// A batch that wrote chunks is made durable by its extents alone, in this order: (1) its records are
/// written as one commit frame at the end of the active extent (after every chunk they name was written),
/// (2) every extent the batch touched is fsynced (one fsync when it is one extent), (3) the records are
/// applied to the in-memory table, (4) the callers are completed. So nothing is acknowledged before the
/// chunks and the commit frame naming them are durable, and open finds the batch by scanning the extents
/// past the log's last mark (<see cref="CommitScan"/>), verifying every chunk it names.
/// The index log catches up lazily: acknowledged records are appended to it, with a mark saying how far
/// it covers, as one frame followed by an fsync when enough have piled up, at checkpoints and before an
/// extent is retired. A batch without chunks (deletes) goes straight to the log the same way, so a full
/// disk can still delete. An fsync that fails poisons the committer: the kernel may have dropped the
/// dirty pages, so retrying could acknowledge bytes that are not on disk.
/// </summary>
public sealed class GroupCommitter : IDisposable
{
    /// <summary>Records of acknowledged batches the log may lag behind by (bounds memory and the open-time scan).</summary>
    private const int MaxUnloggedWeight = 1 << 20;
    private const long MaxUnloggedDataBytes = 64L * 1024 * 1024;
    private readonly object _gate = new(); // a monitor: the commit thread waits on it
    private readonly Queue<Request> _queue = new();
    private readonly IndexLog _log;
    private readonly ShardTable _table;
    private readonly ExtentSet _extents;
    private readonly Func<ulong> _nextVersion;
    private readonly long _checkpointFloorBytes;
    private readonly Thread _thread;
    private readonly ArrayBufferWriter<byte> _payload = new(64 * 1024);
    private readonly List<IndexRecord> _unlogged = [];
    private long _unloggedWeight, _unloggedDataBytes;
    private ulong _seq;
    private uint _markExtent;
    private long _markOffset;
    private volatile Exception? _poison;
    private long _batches, _requests, _logFlushes;
    private int _inFlight;
    private bool _busy, _closed; // guarded by _gate: a batch is being committed; no more requests

    /// <param name="mark">Where the durable log stands: the last batch it holds and where later commit frames go.</param>
    public GroupCommitter(IndexLog log, ShardTable table, ExtentSet extents, Func<ulong> nextVersion, long checkpointFloorBytes, string name, MarkRecord mark)
    {
        _log = log;
        _table = table;
        _extents = extents;
        _nextVersion = nextVersion;
        _checkpointFloorBytes = checkpointFloorBytes;
        (_seq, _markExtent, _markOffset) = (mark.Seq, mark.ExtentId, mark.Offset);
        _thread = new Thread(Run) { IsBackground = true, Name = $"commit {name}" };
        _thread.Start();
    }

    /// <summary>Requests queued or being committed: the disk's write queue depth for the heat monitor.</summary>
    public int QueueDepth
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count + _inFlight;
            }
        }
    }

    public long Batches => Interlocked.Read(ref _batches);

    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Appends to the index log (each one fsync), for the stats.</summary>
    public long LogFlushes => Interlocked.Read(ref _logFlushes);

    public Exception? Poison => _poison;

    /// <summary>
    /// Durably applies <paramref name="records"/>, whose chunks were written to <paramref name="extents"/>;
    /// the result says, per record, whether applying it changed the table.
    /// </summary>
    public Task<bool[]> CommitAsync(IReadOnlyList<IndexRecord> records, IReadOnlyCollection<Extent> extents)
    {
        if (_poison is { } poison)
        {
            return Task.FromException<bool[]>(new DiskIoException("the disk failed an fsync; it takes no more writes", poison));
        }

        var request = new Request(records, extents, new TaskCompletionSource<bool[]>(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_gate)
        {
            if (_closed)
            {
                return Task.FromException<bool[]>(new DiskIoException("the store is closed"));
            }

            if (_busy || _queue.Count > 0)
            {
                _queue.Enqueue(request);
                Monitor.PulseAll(_gate);
                return request.Done.Task;
            }

            _busy = true;
            _inFlight = 1;
        }

        try
        {
            CommitBatch([request]);
        }
        finally
        {
            Release();
        }

        return request.Done.Task;
    }

    /// <summary>Brings the index log up to every acknowledged batch (before an extent with commit frames is deleted).</summary>
    public Task FlushLogAsync() => CommitAsync([], []);

    /// <summary>Stops after the requests already queued are committed, and brings the log up to date.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _closed = true;
            Monitor.PulseAll(_gate);
        }

        _thread.Join(); // it drains the queue first
        lock (_gate)
        {
            while (_busy)
            {
                Monitor.Wait(_gate);
            }
        }

        if (_unlogged.Count > 0 && _poison is null)
        {
            Guard(FlushLog);
        }
    }

    private void Run()
    {
        var batch = new List<Request>();
        while (true)
        {
            lock (_gate)
            {
                while ((_busy || _queue.Count == 0) && !(_closed && _queue.Count == 0 && !_busy))
                {
                    Monitor.Wait(_gate);
                }

                if (_queue.Count == 0)
                {
                    return; // closed and drained
                }

                batch.Clear();
                while (batch.Count < 1024 && _queue.TryDequeue(out var request))
                {
                    batch.Add(request);
                }

                _busy = true;
                _inFlight = batch.Count;
            }

            try
            {
                CommitBatch(batch);
            }
            finally
            {
                Release();
            }
        }
    }

    private void Release()
    {
        lock (_gate)
        {
            _busy = false;
            _inFlight = 0;
            if (_queue.Count > 0 || _closed)
            {
                // Only then is anyone waiting for this; waking the commit thread for nothing costs a lone writer a context switch.
                Monitor.PulseAll(_gate);
            }
        }
    }

    private void CommitBatch(List<Request> batch)
    {
        var records = new List<IndexRecord>();
        var extents = new HashSet<Extent>();
        foreach (var request in batch)
        {
            records.AddRange(request.Records);
            extents.UnionWith(request.Extents);
        }

        if (_poison is null)
        {
            Guard(() => MakeDurable(records, extents));
        }

        if (_poison is { } poison)
        {
            foreach (var request in batch)
            {
                request.Done.TrySetException(new DiskIoException($"commit failed: {poison.Message}", poison));
            }

            return;
        }

        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _requests, batch.Count);
        foreach (var request in batch)
        {
            var applied = new bool[request.Records.Count];
            for (int i = 0; i < applied.Length; i++)
            {
                applied[i] = _table.Apply(request.Records[i]);
            }

            request.Done.TrySetResult(applied);
        }

        if (_log.WantsCheckpoint(_checkpointFloorBytes))
        {
            // The table holds every acknowledged batch, so the checkpoint covers the unlogged ones too.
            Guard(
                () =>
                {
                    _log.Checkpoint(_table.Snapshot(), _nextVersion(), Mark());
                    ClearUnlogged();
                });
        }
        else if (_unloggedWeight > MaxUnloggedWeight || _unloggedDataBytes > MaxUnloggedDataBytes)
        {
            Guard(FlushLog);
        }
    }

    private void MakeDurable(List<IndexRecord> records, HashSet<Extent> extents)
    {
        ulong seq = _seq + 1;
        if (extents.Count == 0)
        {
            _unlogged.AddRange(records);
            _seq = seq;
            FlushLog();
            return;
        }

        var pinned = new HashSet<Extent>(1);
        try
        {
            _payload.ResetWrittenCount();
            foreach (var record in records)
            {
                IndexLogFormat.WriteRecord(_payload, record);
            }

            var payload = _payload.WrittenMemory;
            var (extent, offset) = _extents.ReserveCommit(ChunkFormat.CommitHeaderBytes + payload.Length, pinned);
            extent.File.Write([ChunkFormat.EncodeCommitHeader(extent.Salt!.Value, seq, payload.Span), payload], offset);
            extents.Add(extent);
            foreach (var touched in extents)
            {
                touched.File.Flush();
            }

            (_markExtent, _markOffset) = (extent.Id, offset + ChunkFormat.CommitHeaderBytes + payload.Length);
        }
        finally
        {
            _extents.Unpin(pinned);
        }

        _seq = seq;
        foreach (var record in records)
        {
            _unlogged.Add(record);
            var chunks = record switch
            {
                PutRecord put => put.Entry.Chunks,
                RelocateRecord move => move.Chunks,
                _ => [],
            };
            _unloggedWeight += 64 + (16 * chunks.Length);
            // Bytes written to extents since the last mark bound what open has to scan; an evacuation moved at
            // most the whole shard (its entry, not yet replaced, says how big).
            _unloggedDataBytes += record switch
            {
                PutRecord p => p.Entry.Shard.Length,
                RelocateRecord m => _table.Get(m.ShardId)?.Shard.Length ?? 0,
                _ => 0,
            };
        }
    }

    /// <summary>Appends every unlogged record and the mark as one frame, then fsyncs the log.</summary>
    private void FlushLog()
    {
        _log.Append([.. _unlogged, Mark()]);
        _log.Flush();
        Interlocked.Increment(ref _logFlushes);
        ClearUnlogged();
    }

    private MarkRecord Mark() => new(_seq, _markExtent, _markOffset);

    private void ClearUnlogged()
    {
        _unlogged.Clear();
        _unloggedWeight = 0;
        _unloggedDataBytes = 0;
    }

    /// <summary>Runs an I/O step; a failure poisons the committer (nothing later may be acknowledged).</summary>
    private void Guard(Action step)
    {
        try
        {
            step();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            _poison = ex;
        }
    }

    private sealed record Request(IReadOnlyList<IndexRecord> Records, IReadOnlyCollection<Extent> Extents, TaskCompletionSource<bool[]> Done);
}
