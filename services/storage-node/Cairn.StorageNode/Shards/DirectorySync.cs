using System.Runtime.InteropServices;

namespace Cairn.StorageNode.Shards;

/// <summary>
/// fsync of a directory, which .NET does not expose: without it a rename or unlink that was acknowledged
/// can vanish in a power cut even though the file's own bytes were synced.
/// </summary>
internal static partial class DirectorySync
{
    private const int ReadOnly = 0;
    private const int DirectoryFlag = 0x10000; // O_DIRECTORY on Linux x64/arm64

    public static void Flush(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // Windows persists directory entries with the file metadata; macOS needs F_FULLFSYNC anyway
        }

        int fd = Open(directory, ReadOnly | DirectoryFlag);
        if (fd < 0)
        {
            throw new IOException($"open('{directory}') for fsync failed: errno {Marshal.GetLastPInvokeError()}");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"fsync('{directory}') failed: errno {Marshal.GetLastPInvokeError()}");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
