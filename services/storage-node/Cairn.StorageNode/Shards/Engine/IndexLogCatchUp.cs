namespace Cairn.StorageNode.Shards.Engine;

/// <summary>
/// What the index log still lacks: the records of acknowledged batches (durable in their extents' commit
/// frames) and the mark that says how far the log will cover once they are appended. Used by the committing
/// thread only. <see cref="Flush"/> appends them as one frame with the mark and fsyncs the log; it is due
/// when enough piled up, so memory and the open-time scan of extent tails stay bounded.
/// </summary>
public sealed class IndexLogCatchUp(IndexLog log, ShardTable table, MarkRecord mark)
{
    private const int MaxWeight = 1 << 20;
    private const long MaxDataBytes = 64L * 1024 * 1024;
    private readonly List<IndexRecord> _records = [];
    private long _weight, _dataBytes, _flushes;
    private uint _markExtent = mark.ExtentId;
    private long _markOffset = mark.Offset;

    /// <summary>The last batch number handed out.</summary>
    public ulong Seq { get; private set; } = mark.Seq;

    /// <summary>Appends to the log so far (each one fsync), for the stats.</summary>
    public long Flushes => Interlocked.Read(ref _flushes);

    public bool Pending => _records.Count > 0;

    public bool Due => _weight > MaxWeight || _dataBytes > MaxDataBytes;

    /// <summary>The mark as of now: every batch up to <see cref="Seq"/>, later commit frames after the last one written.</summary>
    public MarkRecord Mark => new(Seq, _markExtent, _markOffset);

    /// <summary>A batch made durable by its commit frame, which ends at (<paramref name="extentId"/>, <paramref name="end"/>).</summary>
    public void Committed(ulong seq, IReadOnlyList<IndexRecord> records, uint extentId, long end)
    {
        Seq = seq;
        (_markExtent, _markOffset) = (extentId, end);
        foreach (var record in records)
        {
            _records.Add(record);
            var chunks = record switch
            {
                PutRecord put => put.Entry.Chunks,
                RelocateRecord move => move.Chunks,
                _ => [],
            };
            _weight += 64 + (16 * chunks.Length);
            // Bytes written to extents since the mark bound what open has to scan; an evacuation moved at most
            // the whole shard (its entry, not yet replaced, says how big).
            _dataBytes += record switch
            {
                PutRecord p => p.Entry.Shard.Length,
                RelocateRecord m => table.Get(m.ShardId)?.Shard.Length ?? 0,
                _ => 0,
            };
        }
    }

    /// <summary>A batch without chunks (deletes): durable only once the log is flushed with it.</summary>
    public void LogOnly(ulong seq, IReadOnlyList<IndexRecord> records)
    {
        Seq = seq;
        _records.AddRange(records);
    }

    /// <summary>Appends every pending record and the mark as one frame, then fsyncs the log.</summary>
    public void Flush()
    {
        log.Append([.. _records, Mark]);
        log.Flush();
        Interlocked.Increment(ref _flushes);
        Clear();
    }

    /// <summary>A checkpoint of the whole table (which holds every acknowledged batch) made the pending records moot.</summary>
    public void Clear()
    {
        _records.Clear();
        _weight = 0;
        _dataBytes = 0;
    }
}
