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
    private readonly object _gate = new(); // a monitor: the commit thread waits on it
    private readonly Queue<Request> _queue = new();
    private readonly IndexLog _log;
    private readonly ShardTable _table;
    private readonly ExtentSet _extents;
    private readonly Func<ulong> _nextVersion;
    private readonly long _checkpointFloorBytes;
    private readonly Thread _thread;
    private readonly ArrayBufferWriter<byte> _payload = new(64 * 1024);
    private readonly IndexLogCatchUp _catchUp;
    private volatile Exception? _poison;
    private long _batches, _requests;
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
        _catchUp = new IndexLogCatchUp(log, table, mark);
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
    public long LogFlushes => _catchUp.Flushes;

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

        if (_catchUp.Pending && _poison is null)
        {
            Guard(_catchUp.Flush);
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
                    _log.Checkpoint(_table.Snapshot(), _nextVersion(), _catchUp.Mark);
                    _catchUp.Clear();
                });
        }
        else if (_catchUp.Due)
        {
            Guard(_catchUp.Flush);
        }
    }

    private void MakeDurable(List<IndexRecord> records, HashSet<Extent> extents)
    {
        ulong seq = _catchUp.Seq + 1;
        if (extents.Count == 0)
        {
            _catchUp.LogOnly(seq, records);
            _catchUp.Flush();
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

            _catchUp.Committed(seq, records, extent.Id, offset + ChunkFormat.CommitHeaderBytes + payload.Length);
        }
        finally
        {
            _extents.Unpin(pinned);
        }
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
