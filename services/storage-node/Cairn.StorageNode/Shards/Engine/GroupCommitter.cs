using System.Collections.Concurrent;

namespace Cairn.StorageNode.Shards.Engine;

/// <summary>
/// Makes index changes durable in batches on one thread. Per batch, in this order:
/// (1) fsync every extent the batch's chunks were written to, (2) append all its records as one index frame,
/// (3) fsync the index log, (4) apply the records to the in-memory table, (5) complete the callers.
/// So an index record is never durable before the chunks it names, and nobody sees or is told about a change
/// before it is durable. Concurrent writers share steps 1-3: two fsyncs per batch, not per shard.
/// An fsync that fails poisons the committer: the kernel may have dropped the dirty pages, so retrying could
/// acknowledge bytes that are not on disk.
/// </summary>
public sealed class GroupCommitter : IDisposable
{
    private readonly BlockingCollection<Request> _queue = [];
    private readonly IndexLog _log;
    private readonly ShardTable _table;
    private readonly Func<ulong> _nextVersion;
    private readonly long _checkpointFloorBytes;
    private readonly Thread _thread;
    private volatile Exception? _poison;
    private long _batches, _requests;
    private int _inFlight;

    public GroupCommitter(IndexLog log, ShardTable table, Func<ulong> nextVersion, long checkpointFloorBytes, string name)
    {
        _log = log;
        _table = table;
        _nextVersion = nextVersion;
        _checkpointFloorBytes = checkpointFloorBytes;
        _thread = new Thread(Run) { IsBackground = true, Name = $"commit {name}" };
        _thread.Start();
    }

    /// <summary>Requests queued or being committed: the disk's write queue depth for the heat monitor.</summary>
    public int QueueDepth => _queue.Count + Volatile.Read(ref _inFlight);

    public long Batches => Interlocked.Read(ref _batches);

    public long Requests => Interlocked.Read(ref _requests);

    public Exception? Poison => _poison;

    /// <summary>
    /// Durably applies <paramref name="records"/> after syncing <paramref name="extents"/>; the result says,
    /// per record, whether applying it changed the table.
    /// </summary>
    public Task<bool[]> CommitAsync(IReadOnlyList<IndexRecord> records, IReadOnlyCollection<Extent> extents)
    {
        if (_poison is { } poison)
        {
            return Task.FromException<bool[]>(new DiskIoException("the disk failed an fsync; it takes no more writes", poison));
        }

        var request = new Request(records, extents, new TaskCompletionSource<bool[]>(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            _queue.Add(request);
        }
        catch (InvalidOperationException)
        {
            return Task.FromException<bool[]>(new DiskIoException("the store is closed"));
        }

        return request.Done.Task;
    }

    /// <summary>Stops after the requests already queued are committed.</summary>
    public void Dispose()
    {
        _queue.CompleteAdding();
        _thread.Join();
        _queue.Dispose();
    }

    private void Run()
    {
        var batch = new List<Request>();
        var records = new List<IndexRecord>();
        var extents = new HashSet<Extent>();
        while (_queue.TryTake(out var first, Timeout.Infinite))
        {
            batch.Clear();
            records.Clear();
            extents.Clear();
            batch.Add(first);
            while (batch.Count < 1024 && _queue.TryTake(out var more))
            {
                batch.Add(more);
            }

            foreach (var request in batch)
            {
                records.AddRange(request.Records);
                extents.UnionWith(request.Extents);
            }

            Volatile.Write(ref _inFlight, batch.Count);
            Commit(batch, records, extents);
            Volatile.Write(ref _inFlight, 0);
        }
    }

    private void Commit(List<Request> batch, List<IndexRecord> records, HashSet<Extent> extents)
    {
        if (_poison is null)
        {
            try
            {
                foreach (var extent in extents)
                {
                    extent.File.Flush();
                }

                _log.Append(records);
                _log.Flush();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                _poison = ex;
            }
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
            try
            {
                _log.Checkpoint(_table.Snapshot(), _nextVersion());
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                // The old generation is still whole; refuse further commits rather than append to a log we lost track of.
                _poison = ex;
            }
        }
    }

    private sealed record Request(IReadOnlyList<IndexRecord> Records, IReadOnlyCollection<Extent> Extents, TaskCompletionSource<bool[]> Done);
}
