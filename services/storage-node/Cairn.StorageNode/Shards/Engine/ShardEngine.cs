using System.Buffers;
using Cairn.StorageNode.Client;
using Microsoft.Extensions.Logging;

namespace Cairn.StorageNode.Shards.Engine;

/// <summary>
/// One disk's shard store, log-structured like S3's ShardStore: shards are appended as checksummed chunk
/// frames to extent files (<see cref="ChunkFormat"/>), an index log maps shard ids to chunk locations
/// (<see cref="IndexLog"/>), and a group committer makes a write or delete durable before it is
/// acknowledged (<see cref="GroupCommitter"/>): a write's commit frame goes into its extent, so one fsync
/// covers chunks and index entry, and the log catches up lazily. Dead space is recovered by reclamation
/// (ShardEngine.Reclaim.cs).
/// </summary>
public sealed partial class ShardEngine : IShardStore, IDisposable
{
    public const int MaxBlockSize = 8 * 1024 * 1024;
    private const int ENOSPC = 28;

    private readonly IDiskFiles _files;
    private readonly EngineOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ShardTable _table;
    private readonly IndexLog _log;
    private readonly ExtentSet _extents;
    private GroupCommitter _committer = null!; // started by Recover, once the state on disk is settled
    private readonly Lazy<long> _capacity;
    private long _nextVersion;
    private volatile bool _sawNoSpace;

    private ShardEngine(string root, IDiskFiles files, EngineOptions options, TimeProvider time, ILogger logger, ShardTable table, IndexLog log, ExtentSet extents, ulong nextVersion)
    {
        Root = root;
        _files = files;
        _options = options;
        _time = time;
        _logger = logger;
        _table = table;
        _log = log;
        _extents = extents;
        _nextVersion = (long)nextVersion;
        _capacity = new Lazy<long>(() => options.CapacityBytes ?? files.FileSystemCapacity);
    }

    /// <summary>The disk directory (or a label for an in-memory test disk), for messages.</summary>
    public string Root { get; }

    public EngineStats Stats => new(
        _committer.QueueDepth, _committer.Batches, _committer.Requests, _extents.Sealed().Count, _extents.TotalBytes - _table.TotalLiveBytes(), _log.Length, _committer.LogFlushes);

    /// <summary>Opens a disk directory on the real file system.</summary>
    public static ShardEngine Open(string root, EngineOptions options, TimeProvider time, ILogger logger)
    {
        string full = Path.GetFullPath(root);
        return Open(new RealDiskFiles(full), full, options, time, logger);
    }

    /// <summary>
    /// Replays the index log (cutting a torn tail), opens the extents (every extent starts sealed) and
    /// recovers the batches that are durable in the extents past the log's mark.
    /// </summary>
    public static ShardEngine Open(IDiskFiles files, string label, EngineOptions options, TimeProvider time, ILogger logger)
    {
        var table = new ShardTable();
        var log = IndexLog.OpenAndReplay(files, table, out var replay);
        ExtentSet? extents = null;
        try
        {
            extents = ExtentSet.Open(files, options.ExtentBytes, replay.MaxExtentId, options.ExtentSalt);
            foreach (uint bad in extents.Unreadable)
            {
                StorageNodeLog.UnreadableFile(logger, Extent.PathOf(bad), "bad extent header");
            }

            var engine = new ShardEngine(label, files, options, time, logger, table, log, extents, replay.NextVersion);
            engine.Recover(replay);
            return engine;
        }
        catch
        {
            extents?.Dispose();
            log.Dispose();
            throw;
        }
    }

    public async Task<StoredShard> WriteAsync(string shardId, int blockSize, IAsyncEnumerable<IncomingBlock> blocks, CancellationToken ct)
    {
        byte[] idBytes = ShardIds.Validate(shardId);
        if (blockSize <= 0 || blockSize > MaxBlockSize)
        {
            throw new InvalidShardWriteException($"block size must be 1..{MaxBlockSize}");
        }

        ThrowIfPoisoned();
        ulong version = (ulong)Interlocked.Increment(ref _nextVersion) - 1;
        long created = _time.GetUtcNow().ToUnixTimeMilliseconds();
        int headerBytes = ChunkFormat.FrameHeaderBytes(idBytes.Length);
        byte[] header = ArrayPool<byte>.Shared.Rent(headerBytes);
        var pinned = new HashSet<Extent>();
        var chunks = new List<ChunkLocation>();
        var crcs = new List<uint>();
        try
        {
            long length = 0;
            bool sawShortBlock = false;
            await foreach (var block in blocks.WithCancellation(ct))
            {
                CheckBlock(block, blockSize, length, sawShortBlock);
                sawShortBlock = block.Data.Length < blockSize;
                if (Crc32C.Compute(block.Data.Span) != block.Crc32C)
                {
                    throw new BlockChecksumMismatchException(block.Offset);
                }

                var (extent, offset) = Reserve(headerBytes + block.Data.Length, ChunkFormat.AlignsData(block.Data.Length) ? headerBytes : -1, pinned);
                ChunkFormat.EncodeFrameHeader(header.AsSpan(0, headerBytes), idBytes, version, length, block.Data.Length, block.Crc32C);
                // One gathered pwritev per chunk (frame header + payload): the payload is never copied.
                var data = block.Data;
                Io(() => extent.File.Write([header.AsMemory(0, headerBytes), data], offset));
                chunks.Add(new ChunkLocation(extent.Id, offset));
                crcs.Add(block.Crc32C);
                length += block.Data.Length;
            }

            var stored = new StoredShard(shardId, length, blockSize, chunks.Count, created);
            bool replaced = _table.Get(shardId) is not null;
            // Not cancellable: the pins must outlive the commit, or reclamation could retire the extent under it.
            await _committer.CommitAsync([new PutRecord(new ShardEntry(stored, idBytes, version, [.. chunks], [.. crcs]))], pinned);
            _sawNoSpace = false; // the write found room: the disk is no longer full
            if (replaced)
            {
                StartBackgroundReclamation();
            }

            return stored;
        }
        finally
        {
            _extents.Unpin(pinned);
            ArrayPool<byte>.Shared.Return(header);
        }
    }

    public async Task<bool> DeleteAsync(string shardId, CancellationToken ct)
    {
        ShardIds.Validate(shardId);
        ThrowIfPoisoned();
        if (_table.Get(shardId) is null)
        {
            return false; // linearised here: nothing to make durable
        }

        bool[] applied = await _committer.CommitAsync([new DeleteRecord(shardId)], []);
        StartBackgroundReclamation();
        return applied[0];
    }

    public Task<StoredShard?> StatAsync(string shardId, CancellationToken ct)
    {
        ShardIds.Validate(shardId);
        ThrowIfPoisoned();
        return Task.FromResult(_table.Get(shardId)?.Shard);
    }

    public ShardPage List(string? startAfter, int limit) => _table.List(startAfter, limit);

    public StoreUsage GetUsage()
    {
        long capacity = _capacity.Value;
        long used = _extents.TotalBytes + _log.Length;
        return new StoreUsage(capacity, used, _table.Count, _sawNoSpace || used >= capacity);
    }

    /// <summary>Waits for queued commits, then closes every file. A crash skips this, by design.</summary>
    public void Dispose()
    {
        _reclaimGate.Wait();
        try
        {
            _committer.Dispose();
            _log.Dispose();
            _extents.Dispose();
        }
        finally
        {
            _reclaimGate.Release();
        }
    }

    /// <summary>
    /// Settles what a crash left, before the committer takes any request. First the log's unsealed last
    /// frame: a v2 log only ever holds records that were durable before they were logged, so it is applied
    /// as is (its chunks may even have been moved since, their old extent retired); a v1 log's last batch is
    /// checked as v1 did. Then every batch whose commit frame sits in the extents past the log's mark, in
    /// batch order up to the first gap (a batch starts only after the one before it is durable, so nothing
    /// after a gap was acknowledged). Puts and relocations of those count only if every chunk they name reads
    /// back and verifies: an acknowledged batch was fsynced whole, so only an unacknowledged one (or a disk
    /// that loses flushes) can fail that, and dropping it loses nothing promised. What holds is written to
    /// the log with a mark past every extent that exists, so no later open scans these tails again.
    /// </summary>
    private void Recover(LogReplay replay)
    {
        var kept = new List<IndexRecord>(replay.Tail.Records.Count);
        if (_log.FormatVersion >= IndexLogFormat.Version)
        {
            foreach (var record in replay.Tail.Records)
            {
                _table.Apply(record);
            }
        }
        else
        {
            KeepWhatHolds(replay.Tail.Records, kept);
        }

        var found = CommitScan.After(_extents.Sealed(), replay.Mark);
        foreach (var put in found.SelectMany(c => c.Records).OfType<PutRecord>())
        {
            // Even a batch that is not kept stamped its version into frames: never hand that version out again.
            _nextVersion = Math.Max(_nextVersion, (long)put.Entry.Version + 1);
        }

        ulong seq = replay.Mark.Seq;
        foreach (var commit in found)
        {
            if (commit.Seq != seq + 1)
            {
                break;
            }

            seq = commit.Seq;
            KeepWhatHolds(commit.Records, kept);
        }

        // Batch numbers of frames after a gap are skipped too, so no later batch can reuse one.
        var mark = new MarkRecord(found.Count == 0 ? seq : Math.Max(seq, found[^1].Seq), _extents.NextId, 0);
        if (_log.FormatVersion < IndexLogFormat.Version)
        {
            _log.Checkpoint(_table.Snapshot(), (ulong)Interlocked.Read(ref _nextVersion), mark); // v1 log: migrated to v2
        }
        else if (found.Count > 0)
        {
            _log.AppendSealed([.. kept, mark]);
        }
        else
        {
            mark = replay.Mark;
        }

        _committer = new GroupCommitter(_log, _table, _extents, () => (ulong)Interlocked.Read(ref _nextVersion), _options.CheckpointFloorBytes, Root, mark);
    }

    private void KeepWhatHolds(IReadOnlyList<IndexRecord> records, List<IndexRecord> kept)
    {
        foreach (var record in records)
        {
            var check = record switch
            {
                PutRecord put => put.Entry,
                RelocateRecord move when _table.Get(move.ShardId) is { } current && current.Version == move.Version
                    && current.Chunks.Length == move.Chunks.Length => current with { Chunks = move.Chunks },
                _ => null,
            };
            if (check is null || ChunksHold(check))
            {
                kept.Add(record);
                _table.Apply(record);
            }
            else
            {
                StorageNodeLog.UnfinishedWriteDropped(_logger, check.Shard.ShardId, Root);
            }
        }
    }

    private bool ChunksHold(ShardEntry entry)
    {
        var pins = _extents.TryPin(entry);
        if (pins is null)
        {
            return false;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)entry.FrameBytes(0));
        try
        {
            for (int i = 0; i < entry.Chunks.Length; i++)
            {
                var extent = Array.Find(pins, e => e.Id == entry.Chunks[i].ExtentId)!;
                ReadChunk(entry, extent, i, buffer.AsSpan(0, (int)entry.FrameBytes(i)));
            }

            return true;
        }
        catch (ShardDamagedException)
        {
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _extents.Unpin(pins);
        }
    }

    private (Extent Extent, long Offset) Reserve(int frameBytes, int dataAt, HashSet<Extent> pinned)
    {
        try
        {
            return Io(() => _extents.Reserve(frameBytes, dataAt, _capacity.Value, _log.Length, pinned, Root));
        }
        catch (DiskFullException)
        {
            StartBackgroundReclamation();
            throw;
        }
    }

    private static void CheckBlock(in IncomingBlock block, int blockSize, long expectedOffset, bool sawShortBlock)
    {
        if (block.Offset != expectedOffset)
        {
            throw new InvalidShardWriteException($"block offset {block.Offset}, expected {expectedOffset}");
        }

        if (block.Data.Length == 0 || block.Data.Length > blockSize)
        {
            throw new InvalidShardWriteException($"block of {block.Data.Length} bytes; blocks hold 1..{blockSize}");
        }

        if (sawShortBlock)
        {
            throw new InvalidShardWriteException("only the last block may be shorter than the block size");
        }
    }

    private void ThrowIfPoisoned()
    {
        if (_committer.Poison is { } poison)
        {
            throw new DiskIoException($"disk '{Root}' failed an fsync and takes no more requests", poison);
        }
    }

    private T Io<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw Translate(ex);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or FileNotFoundException or DirectoryNotFoundException or ObjectDisposedException)
        {
            throw new DiskIoException($"I/O error on '{Root}': {ex.Message}", ex);
        }
    }

    private void Io(Action action) => Io(() =>
    {
        action();
        return true;
    });

    private Exception Translate(IOException ex)
    {
        // .NET surfaces errno as the HResult on Unix; Windows uses ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL.
        if (ex.HResult == ENOSPC || (ex.HResult & 0xFFFF) is 112 or 39)
        {
            _sawNoSpace = true;
            return new DiskFullException(Root, ex);
        }

        return new DiskIoException($"I/O error on '{Root}': {ex.Message}", ex);
    }
}

/// <summary>Engine internals for metrics and the dashboard.</summary>
public readonly record struct EngineStats(int CommitQueueDepth, long CommitBatches, long CommitRequests, int SealedExtents, long DeadBytes, long IndexLogBytes, long IndexLogFlushes);
