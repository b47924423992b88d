using Cairn.StorageNode.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Cairn.StorageNode.Shards;

/// <summary>
/// One durable file per shard (<see cref="ShardFileFormat"/>): written to tmp/, fsynced, renamed into
/// shards/{xx}/{sha256(id)}.shard, then the directory is fsynced, and only then acknowledged. An in-memory
/// index (rebuilt from the files at start) answers List and usage; reads always go to the file itself.
/// </summary>
public sealed partial class FileShardStore : IShardStore
{
    public const int MaxBlockSize = 8 * 1024 * 1024;
    private const int ENOSPC = 28;

    private readonly string _shardsDir;
    private readonly string _tmpDir;
    private readonly long? _configuredCapacity;
    private readonly Lazy<long> _fileSystemCapacity;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ShardIndex _index = new();
    private readonly List<string> _unreadableFiles = [];
    private long _inflightBytes;
    private volatile bool _sawNoSpace;

    private FileShardStore(string root, long? capacityBytes, TimeProvider time, ILogger logger)
    {
        Root = root;
        _shardsDir = Path.Combine(root, "shards");
        _tmpDir = Path.Combine(root, "tmp");
        _configuredCapacity = capacityBytes;
        _fileSystemCapacity = new Lazy<long>(FileSystemCapacity);
        _time = time;
        _logger = logger;
    }

    public string Root { get; }

    /// <summary>Creates the layout, removes temp files a crash left behind and rebuilds the index.</summary>
    public static FileShardStore Open(string root, long? capacityBytes, TimeProvider time, ILogger logger)
    {
        var store = new FileShardStore(Path.GetFullPath(root), capacityBytes, time, logger);
        store.Initialise();
        return store;
    }

    public async Task<StoredShard> WriteAsync(string shardId, int blockSize, IAsyncEnumerable<IncomingBlock> blocks, CancellationToken ct)
    {
        byte[] idBytes = ShardIds.Validate(shardId);
        if (blockSize <= 0 || blockSize > MaxBlockSize)
        {
            throw new InvalidShardWriteException($"block size must be 1..{MaxBlockSize}");
        }

        ThrowIfFull(0);
        long created = _time.GetUtcNow().ToUnixTimeMilliseconds();
        byte[] header = ShardFileFormat.EncodeHeader(idBytes, blockSize, created);
        string tempPath = Path.Combine(_tmpDir, $"{Guid.NewGuid():N}.tmp");
        long reserved = 0;
        try
        {
            long length = 0;
            int count = 0;
            using (var handle = Io(() => File.OpenHandle(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None)))
            {
                long position = header.Length;
                await WriteAtAsync(handle, [header], 0, ct);
                var frame = new byte[ShardFileFormat.FrameHeaderBytes];
                bool sawShortBlock = false;
                await foreach (var block in blocks.WithCancellation(ct))
                {
                    CheckBlock(block, blockSize, length, sawShortBlock);
                    sawShortBlock = block.Data.Length < blockSize;
                    if (Crc32C.Compute(block.Data.Span) != block.Crc32C)
                    {
                        throw new BlockChecksumMismatchException(block.Offset);
                    }

                    int frameBytes = ShardFileFormat.FrameHeaderBytes + block.Data.Length;
                    ThrowIfFull(frameBytes);
                    Interlocked.Add(ref _inflightBytes, frameBytes);
                    reserved += frameBytes;
                    ShardFileFormat.EncodeFrameHeader(frame, block.Data.Length, block.Crc32C);
                    // One gathered pwritev per block: frame header and payload, no copy of the payload.
                    await WriteAtAsync(handle, [frame, block.Data], position, ct);
                    position += frameBytes;
                    length += block.Data.Length;
                    count++;
                }

                await WriteAtAsync(handle, [ShardFileFormat.EncodeTrailer(length, count)], position, ct);
                Io(() => RandomAccess.FlushToDisk(handle));
            }

            string finalPath = PathFor(idBytes);
            Io(() => File.Move(tempPath, finalPath, overwrite: true));
            // Indexed as soon as it is visible, so the index never misses a file that is on disk.
            var stored = new StoredShard(shardId, length, blockSize, count, created);
            _index.Put(stored, ShardFileFormat.FileBytes(header.Length, length, count));
            Io(() => DirectorySync.Flush(Path.GetDirectoryName(finalPath)!));
            return stored;
        }
        catch
        {
            TryDelete(tempPath);
            throw;
        }
        finally
        {
            Interlocked.Add(ref _inflightBytes, -reserved);
        }
    }

    public Task<IShardReadStream> OpenReadAsync(string shardId, CancellationToken ct)
    {
        byte[] idBytes = ShardIds.Validate(shardId);
        var stream = FileShardReadStream.Open(PathFor(idBytes), shardId);
        return Task.FromResult<IShardReadStream>(stream ?? throw new ShardMissingException(shardId));
    }

    public Task<bool> DeleteAsync(string shardId, CancellationToken ct)
    {
        byte[] idBytes = ShardIds.Validate(shardId);
        string path = PathFor(idBytes);
        bool existed = Io(() =>
        {
            if (!File.Exists(path))
            {
                return false;
            }

            File.Delete(path);
            DirectorySync.Flush(Path.GetDirectoryName(path)!);
            return true;
        });
        _index.Remove(shardId);
        if (existed)
        {
            _sawNoSpace = false; // space was freed: let the next write find out for itself
        }

        return Task.FromResult(existed);
    }

    public async Task<StoredShard?> StatAsync(string shardId, CancellationToken ct)
    {
        byte[] idBytes = ShardIds.Validate(shardId);
        await using var stream = FileShardReadStream.Open(PathFor(idBytes), shardId);
        return stream?.Info;
    }

    public ShardPage List(string? startAfter, int limit) => _index.List(startAfter, limit);

    public async Task<ScrubReport> ScrubAsync(CancellationToken ct)
    {
        long shards = 0, blocks = 0;
        var corrupt = new List<string>();
        lock (_unreadableFiles)
        {
            corrupt.AddRange(_unreadableFiles.Select(f => $"unreadable-file:{f}"));
        }

        foreach (string id in _index.Ids())
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                await using var stream = await OpenReadAsync(id, ct);
                await foreach (var _ in stream.ReadBlocksAsync(0, 0, ct))
                {
                    blocks++;
                }

                shards++;
            }
            catch (ShardMissingException)
            {
                // deleted while the scrub ran
            }
            catch (Exception ex) when (ex is ShardDamagedException or UnsupportedShardFormatException)
            {
                shards++;
                corrupt.Add(id);
                StorageNodeLog.CorruptShard(_logger, id, Root, ex.Message);
            }
        }

        return new ScrubReport(shards, blocks, corrupt);
    }

    public StoreUsage GetUsage()
    {
        long capacity = _configuredCapacity ?? _fileSystemCapacity.Value;
        long used = _index.UsedBytes;
        return new StoreUsage(capacity, used, _index.Count, _sawNoSpace || used >= capacity);
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

    private void ThrowIfFull(long extraBytes)
    {
        var usage = GetUsage();
        if (usage.Full || usage.UsedBytes + Interlocked.Read(ref _inflightBytes) + extraBytes > usage.CapacityBytes)
        {
            throw new DiskFullException(Root);
        }
    }

    private string PathFor(byte[] idBytes)
    {
        string stem = ShardIds.FileStem(idBytes);
        return Path.Combine(_shardsDir, stem[..2], stem + ".shard");
    }

    private async Task WriteAtAsync(SafeFileHandle handle, IReadOnlyList<ReadOnlyMemory<byte>> buffers, long offset, CancellationToken ct)
    {
        try
        {
            await RandomAccess.WriteAsync(handle, buffers, offset, ct);
        }
        catch (IOException ex)
        {
            throw Translate(ex);
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
        catch (UnauthorizedAccessException ex)
        {
            throw new DiskIoException($"access denied on '{Root}'", ex);
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

    private long FileSystemCapacity()
    {
        try
        {
            return new DriveInfo(Root).TotalSize;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return long.MaxValue;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // left for the start-up sweep of tmp/
        }
    }
}
