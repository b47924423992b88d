using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cairn.Placement.Inventory;

/// <summary>
/// placement.json: the last known nodes and disks, so a restarted placement serves the disk map (endpoints
/// for reads, repair and GC) at once instead of waiting for every node to re-register. It is a cache, not a
/// source of truth: nodes re-announce themselves, so a lost or stale file costs seconds, never data.
/// </summary>
public static class InventoryFile
{
    public const string Format = "cairn-placement-inventory";
    public const int CurrentVersion = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    public static InventoryDocument? Load(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        using var stream = File.OpenRead(path);
        var doc = JsonSerializer.Deserialize<InventoryDocument>(stream, Json)
            ?? throw new InvalidDataException($"{path}: empty inventory file");
        if (doc.Format != Format)
        {
            throw new InvalidDataException($"{path}: not a placement inventory (format '{doc.Format}')");
        }

        if (doc.Version > CurrentVersion)
        {
            throw new InvalidDataException($"{path}: inventory version {doc.Version} is newer than this build ({CurrentVersion})");
        }

        return doc;
    }

    /// <summary>Write to a temp file, flush, then rename over the old one, so a crash leaves the old or the new file.</summary>
    public static void Save(string path, InventoryDocument doc)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, doc, Json);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }
}

public sealed record InventoryDocument(string Format, int Version, List<NodeEntry> Nodes, List<DiskEntry> Disks);

public sealed record NodeEntry(string NodeId, string Endpoint, string Zone, string Rack, long LastHeartbeatUnixMs);

public sealed record DiskEntry(
    string DiskId,
    string NodeId,
    string Endpoint,
    string Zone,
    string Rack,
    ulong CapacityBytes,
    ulong UsedBytes,
    ulong ShardCount,
    bool ReportedFailed,
    bool ReportedFull,
    AdminState AdminState);
