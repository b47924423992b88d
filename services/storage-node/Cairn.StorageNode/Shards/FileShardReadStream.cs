using System.Buffers;
using System.Runtime.CompilerServices;
using Cairn.StorageNode.Client;
using Microsoft.Win32.SafeHandles;

namespace Cairn.StorageNode.Shards;

/// <summary>
/// An open shard file. Opening checks the header, trailer and file size; each block is checked against
/// its CRC32C before it is yielded, from one pooled buffer reused block after block.
/// </summary>
internal sealed class FileShardReadStream : IShardReadStream, IDisposable
{
    private const int MaxHeaderBytes = ShardFileFormat.FixedHeaderBytes + ShardIds.MaxBytes;
    private readonly SafeFileHandle _handle;
    private readonly int _headerLength;

    private FileShardReadStream(SafeFileHandle handle, StoredShard info, int headerLength)
    {
        _handle = handle;
        Info = info;
        _headerLength = headerLength;
    }

    public StoredShard Info { get; }

    /// <summary>Opens and validates a shard file; null when it does not exist.</summary>
    /// <param name="expectedId">The id the caller asked for, or null to accept the id in the header (index rebuild).</param>
    public static FileShardReadStream? Open(string path, string? expectedId)
    {
        SafeFileHandle handle;
        try
        {
            // Delete sharing: a delete may unlink the file while a read streams it; the read finishes on the old inode.
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (IOException ex)
        {
            throw new DiskIoException($"cannot open '{path}': {ex.Message}", ex);
        }

        try
        {
            string label = expectedId ?? Path.GetFileName(path);
            long fileLength = RandomAccess.GetLength(handle);
            byte[] buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(fileLength, MaxHeaderBytes));
            try
            {
                int read = ReadFully(handle, buffer.AsSpan(0, (int)Math.Min(fileLength, MaxHeaderBytes)), 0);
                var header = ShardFileFormat.ParseHeader(buffer.AsSpan(0, read), label);
                if (expectedId is not null && !string.Equals(header.ShardId, expectedId, StringComparison.Ordinal))
                {
                    throw new ShardDamagedException(label, "header names another shard");
                }

                if (fileLength < header.HeaderLength + ShardFileFormat.TrailerBytes)
                {
                    throw new ShardDamagedException(label, "file is truncated");
                }

                Span<byte> trailer = stackalloc byte[ShardFileFormat.TrailerBytes];
                ReadFully(handle, trailer, fileLength - ShardFileFormat.TrailerBytes);
                var (length, blocks) = ShardFileFormat.ParseTrailer(trailer, label);
                bool shapeOk = blocks == (length == 0 ? 0 : (int)((length + header.BlockSize - 1) / header.BlockSize))
                    && fileLength == ShardFileFormat.FileBytes(header.HeaderLength, length, blocks);
                if (!shapeOk)
                {
                    throw new ShardDamagedException(label, "file size does not match its trailer");
                }

                var info = new StoredShard(header.ShardId, length, header.BlockSize, blocks, header.CreatedUnixMs);
                return new FileShardReadStream(handle, info, header.HeaderLength);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        catch (IOException ex)
        {
            handle.Dispose();
            throw new DiskIoException($"cannot read '{path}': {ex.Message}", ex);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public async IAsyncEnumerable<StoredBlock> ReadBlocksAsync(long offset, long length, [EnumeratorCancellation] CancellationToken ct)
    {
        long end = length == 0 ? Info.Length : offset + length;
        if (offset < 0 || length < 0 || offset > Info.Length || end > Info.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"range [{offset}, {end}) is outside the shard's {Info.Length} bytes");
        }

        if (end == offset)
        {
            yield break;
        }

        int blockSize = Info.BlockSize;
        long first = offset / blockSize;
        long last = (end - 1) / blockSize;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ShardFileFormat.FrameHeaderBytes + blockSize);
        try
        {
            for (long i = first; i <= last; i++)
            {
                int expected = i < Info.Blocks - 1 ? blockSize : (int)(Info.Length - ((Info.Blocks - 1) * (long)blockSize));
                var frame = buffer.AsMemory(0, ShardFileFormat.FrameHeaderBytes + expected);
                long at = ShardFileFormat.FrameOffset(_headerLength, blockSize, i);
                int read;
                try
                {
                    read = await ReadFullyAsync(_handle, frame, at, ct);
                }
                catch (IOException ex)
                {
                    throw new DiskIoException($"read failed on shard '{Info.ShardId}': {ex.Message}", ex);
                }

                if (read != frame.Length)
                {
                    throw new ShardDamagedException(Info.ShardId, $"block {i} is truncated");
                }

                var (dataLength, crc) = ShardFileFormat.ParseFrameHeader(frame.Span);
                var data = frame[ShardFileFormat.FrameHeaderBytes..];
                if (dataLength != expected || Crc32C.Compute(data.Span) != crc)
                {
                    throw new ShardDamagedException(Info.ShardId, $"block {i} fails its CRC32C");
                }

                yield return new StoredBlock(i * blockSize, data, crc);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public ValueTask DisposeAsync()
    {
        _handle.Dispose();
        return ValueTask.CompletedTask;
    }

    public void Dispose() => _handle.Dispose();

    private static int ReadFully(SafeFileHandle handle, Span<byte> destination, long offset)
    {
        int total = 0;
        while (total < destination.Length)
        {
            int n = RandomAccess.Read(handle, destination[total..], offset + total);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    private static async ValueTask<int> ReadFullyAsync(SafeFileHandle handle, Memory<byte> destination, long offset, CancellationToken ct)
    {
        int total = 0;
        while (total < destination.Length)
        {
            int n = await RandomAccess.ReadAsync(handle, destination[total..], offset + total, ct);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }
}
