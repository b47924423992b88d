using System.Text;
using Cairn.StorageNode.Shards;

namespace Cairn.StorageNode.Disks;

/// <summary>
/// The <c>disk.id</c> file that names a disk directory for life: the id travels with the data, so a
/// disk moved to another node or path keeps the id placement and the namespace know its shards by.
/// Format: a first line <c>CAIRNDISK/1</c>, then the id.
/// </summary>
public static class DiskIdentity
{
    public const string FileName = "disk.id";
    private const string Magic = "CAIRNDISK";
    private const int Version = 1;

    /// <summary>Reads the id of <paramref name="directory"/>, or durably writes <paramref name="proposedId"/> on first use.</summary>
    public static string LoadOrCreate(string directory, string proposedId)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, FileName);
        if (File.Exists(path))
        {
            return Parse(File.ReadAllText(path, Encoding.UTF8), path);
        }

        string temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(Encoding.UTF8.GetBytes($"{Magic}/{Version}\n{proposedId}\n"));
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: false);
        DirectorySync.Flush(directory);
        return proposedId;
    }

    private static string Parse(string text, string path)
    {
        string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string[] magic = lines.Length > 0 ? lines[0].Split('/') : [];
        if (lines.Length < 2 || magic.Length != 2 || magic[0] != Magic || !int.TryParse(magic[1], out int version))
        {
            // Refuse to start rather than adopt a directory that belongs to something else.
            throw new InvalidOperationException($"'{path}' is not a Cairn disk identity file");
        }

        if (version > Version)
        {
            throw new InvalidOperationException($"'{path}' has identity format {version}; this node reads up to {Version}");
        }

        return lines[1];
    }
}
