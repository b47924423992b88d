using Microsoft.Win32.SafeHandles;

namespace Cairn.StorageNode.Shards.Engine;

/// <summary>The real file system under one disk directory.</summary>
public sealed class RealDiskFiles(string root) : IDiskFiles
{
    public string Root { get; } = Path.GetFullPath(root);

    public long FileSystemCapacity
    {
        get
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
    }

    public IDiskFile Open(string path, bool create)
    {
        // Delete sharing: reclamation may unlink an extent while a pinned reader still holds it open.
        var handle = File.OpenHandle(Full(path), create ? FileMode.OpenOrCreate : FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        return new RealFile(handle);
    }

    public IReadOnlyList<string> List(string directory) =>
        [.. Directory.EnumerateFiles(Full(directory)).Select(f => Path.GetFileName(f))];

    public void CreateDirectory(string directory) => Directory.CreateDirectory(Full(directory));

    public void Delete(string path) => File.Delete(Full(path));

    public void Rename(string from, string to) => File.Move(Full(from), Full(to), overwrite: true);

    public void SyncDirectory(string directory) => DirectorySync.Flush(Full(directory));

    private string Full(string path) => path.Length == 0 ? Root : Path.Combine(Root, path);

    private sealed class RealFile(SafeFileHandle handle) : IDiskFile
    {
        public long Length => RandomAccess.GetLength(handle);

        public int Read(Span<byte> destination, long offset) => RandomAccess.Read(handle, destination, offset);

        public void Write(IReadOnlyList<ReadOnlyMemory<byte>> buffers, long offset) => RandomAccess.Write(handle, buffers, offset);

        public void Flush() => RandomAccess.FlushToDisk(handle);

        public void SetLength(long length) => RandomAccess.SetLength(handle, length);

        public void Dispose() => handle.Dispose();
    }
}
