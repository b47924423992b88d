namespace Cairn.StorageNode.Shards.Engine;

/// <summary>
/// The few file operations the engine needs, by path relative to the disk root ("extents/00000001.ext").
/// Everything goes through here so that tests can swap in a file system that loses un-fsynced writes.
/// </summary>
public interface IDiskFiles
{
    /// <summary>Opens a file for read and write; creates it when <paramref name="create"/>, else throws FileNotFoundException.</summary>
    IDiskFile Open(string path, bool create);

    /// <summary>The names (not paths) of the files in a directory.</summary>
    IReadOnlyList<string> List(string directory);

    void CreateDirectory(string directory);

    void Delete(string path);

    /// <summary>Atomically replaces <paramref name="to"/> with <paramref name="from"/>.</summary>
    void Rename(string from, string to);

    /// <summary>Makes creations, renames and deletions in the directory durable (fsync of the directory).</summary>
    void SyncDirectory(string directory);

    /// <summary>Size of the file system, for a disk without a configured capacity.</summary>
    long FileSystemCapacity { get; }
}

/// <summary>One open file. Positional and synchronous: pread/pwrite never move a shared cursor.</summary>
public interface IDiskFile : IDisposable
{
    long Length { get; }

    int Read(Span<byte> destination, long offset);

    /// <summary>One gathered write (pwritev) of the buffers, back to back, at <paramref name="offset"/>.</summary>
    void Write(IReadOnlyList<ReadOnlyMemory<byte>> buffers, long offset);

    /// <summary>fsync: every write before it is durable when it returns.</summary>
    void Flush();

    void SetLength(long length);
}

public static class DiskFileExtensions
{
    /// <summary>Reads until <paramref name="destination"/> is full or the file ends; returns the bytes read.</summary>
    public static int ReadFully(this IDiskFile file, Span<byte> destination, long offset)
    {
        int total = 0;
        while (total < destination.Length)
        {
            int n = file.Read(destination[total..], offset + total);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }
}
