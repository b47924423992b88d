using Microsoft.Extensions.Logging;

namespace Cairn.StorageNode.Shards;

// Start-up: directory layout, the crash sweep of tmp/ and the index rebuild.
public sealed partial class FileShardStore
{
    private void Initialise()
    {
        Directory.CreateDirectory(_shardsDir);
        Directory.CreateDirectory(_tmpDir);
        for (int i = 0; i < 256; i++)
        {
            // All fan-out directories exist up front, so a shard rename never creates a directory entry
            // that would need its own parent fsync.
            Directory.CreateDirectory(Path.Combine(_shardsDir, i.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
        }

        DirectorySync.Flush(_shardsDir);
        DirectorySync.Flush(Root);

        // A temp file is a write that was never acknowledged: nobody can be relying on it.
        int removed = 0;
        foreach (string temp in Directory.EnumerateFiles(_tmpDir))
        {
            File.Delete(temp);
            removed++;
        }

        if (removed > 0)
        {
            DirectorySync.Flush(_tmpDir);
            StorageNodeLog.TempFilesRemoved(_logger, removed, Root);
        }

        foreach (string file in Directory.EnumerateFiles(_shardsDir, "*.shard", SearchOption.AllDirectories))
        {
            IndexFile(file);
        }
    }

    private void IndexFile(string file)
    {
        try
        {
            using var stream = FileShardReadStream.Open(file, expectedId: null);
            if (stream is null)
            {
                return;
            }

            var info = stream.Info;
            string stem = ShardIds.FileStem(ShardIds.Validate(info.ShardId));
            if (!string.Equals(Path.GetFileNameWithoutExtension(file), stem, StringComparison.Ordinal))
            {
                throw new ShardDamagedException(info.ShardId, "file name does not match the shard id");
            }

            _index.Put(info, new FileInfo(file).Length);
        }
        catch (Exception ex) when (ex is ShardDamagedException or UnsupportedShardFormatException or ArgumentException)
        {
            // Kept, not deleted: the bytes may still be salvageable, and scrub reports the file.
            _unreadableFiles.Add(Path.GetFileName(file));
            StorageNodeLog.UnreadableFile(_logger, file, ex.Message);
        }
    }
}
