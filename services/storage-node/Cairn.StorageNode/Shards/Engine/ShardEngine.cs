using System.Buffers;
using Cairn.StorageNode.Client;
using Microsoft.Extensions.Logging;

namespace Cairn.StorageNode.Shards.Engine;

/// <summary>
/// One disk's shard store, log-structured like S3's ShardStore: shards are appended as checksummed chunk
/// frames to extent files (<see cref="ChunkFormat"/>), an index log maps shard ids to chunk locations
/// (<see cref="IndexLog"/>), and a group committer makes both durable before a write or delete is
/// acknowledged (<see cref="GroupCommitter"/>). Dead space is recovered by reclamation (ShardEngine.Reclaim.cs).
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
    private readonly GroupCommitter _committer;
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
        _committer = new GroupCommitter(log, table, () => (ulong)Interlocked.Read(ref _nextVersion), options.CheckpointFloorBytes, root);
    }

    /// <summary>The disk directory (or a label for an in-memory test disk), for messages.</summary>
    public string Root { get; }

    public EngineStats Stats => new(
        _committer.QueueDepth, _committer.Batches, _committer.Requests, _extents.Sealed().Count, _extents.TotalBytes - _table.TotalLiveBytes(), _log.Length);

    /// <summary>Opens a disk directory on the real file system.</summary>
    public static ShardEngine Open(string root, EngineOptions options, TimeProvider time, ILogger logger)
    {
        string full = Path.GetFullPath(root);
        return Open(new RealDiskFiles(full), full, options, time, logger);
    }

    /// <summary>Replays the index log (cutting a torn tail) and opens the extents; every extent starts sealed.</summary>
    public static ShardEngine Open(IDiskFiles files, string label, EngineOptions options, TimeProvider time, ILogger logger)
    {
        var table = new ShardTable();
        var log = IndexLog.OpenAndReplay(files, table, out ulong nextVersion, out uint maxExtentId, out var tail);
        ExtentSet? extents = null;
        try
        {
            extents = ExtentSet.Open(files, options.ExtentBytes, maxExtentId);
            foreach (uint bad in extents.Unreadable)
            {
                StorageNodeLog.UnreadableFile(logger, Extent.PathOf(bad), "bad extent header");
            }

            var engine = new ShardEngine(label, files, options, time, logger, table, log, extents, nextVersion);
            engine.RecoverTail(tail);
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

                var (extent, offset) = Reserve(headerBytes + block.Data.Length, pinned);
                ChunkFormat.EncodeFrameHeader(header.AsSpan(0, headerBytes), idBytes, version, length, block.Data.Length, block.Crc32C);
                // One gathered pwritev per chunk (frame header + payload): the payload is never copied.
                var data = block.Data;
                Io(() => extent.File.Write([header.AsMemory(0, headerBytes), data], offset));
                chunks.Add(new ChunkLocation(extent.Id, offset));
                length += block.Data.Length;
            }

            var stored = new StoredShard(shardId, length, blockSize, chunks.Count, created);
            bool replaced = _table.Get(shardId) is not null;
            // Not cancellable: the pins must outlive the commit, or reclamation could retire the extent under it.
            await _committer.CommitAsync([new PutRecord(new ShardEntry(stored, idBytes, version, [.. chunks]))], pinned);
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
    /// The last batch before a crash, checked once: its puts and relocations count only if every chunk they
    /// name reads back and verifies. The committer fsyncs chunks before the index, so this only bites on a
    /// device that reorders or loses flushes; none of that batch was acknowledged unless all of it was durable,
    /// so dropping a record loses nothing promised. Runs before the committer takes any request.
    /// </summary>
    private void RecoverTail(UnsealedTail tail)
    {
        var kept = new List<IndexRecord>(tail.Records.Count);
        foreach (var record in tail.Records)
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

        _log.SealTail(tail, kept);
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

    private (Extent Extent, long Offset) Reserve(int frameBytes, HashSet<Extent> pinned)
    {
        try
        {
            return Io(() => _extents.Reserve(frameBytes, _capacity.Value, _log.Length, pinned, Root));
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
public readonly record struct EngineStats(int CommitQueueDepth, long CommitBatches, long CommitRequests, int SealedExtents, long DeadBytes, long IndexLogBytes);
