using Microsoft.Extensions.Configuration;

namespace Cairn.StorageNode.Disks;

/// <summary>Everything a node is told by configuration (<c>Cairn:*</c> keys, command line or environment).</summary>
public sealed record StorageNodeOptions
{
    public required string NodeId { get; init; }

    public required IReadOnlyList<string> DiskPaths { get; init; }

    public string Zone { get; init; } = "zone-a";

    public string Rack { get; init; } = "rack-1";

    /// <summary>Per-disk capacity; null = the file system's size.</summary>
    public long? DiskCapacityBytes { get; init; }

    /// <summary>The gRPC address placement hands out for this node's disks.</summary>
    public string? AdvertisedGrpcUrl { get; init; }

    /// <summary>Base URL of the HTTP/1.1 bulk shard read (the node's HTTP port); null when not advertised.</summary>
    public string? AdvertisedDataUrl { get; init; }

    public TimeSpan HeatReportInterval { get; init; } = TimeSpan.FromSeconds(2);

    public static StorageNodeOptions FromConfiguration(IConfiguration config)
    {
        string nodeId = config["Cairn:NodeId"] is { Length: > 0 } id ? id : Environment.MachineName;
        var section = config.GetSection("Cairn:Disks");
        // Either "Cairn:Disks=/a,/b" or "Cairn:Disks:0=/a", "Cairn:Disks:1=/b".
        List<string> disks = section.Value is { Length: > 0 } list
            ? [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]
            : [.. section.GetChildren().OrderBy(c => int.TryParse(c.Key, out int i) ? i : int.MaxValue).Select(c => c.Value!).Where(v => !string.IsNullOrWhiteSpace(v))];
        if (disks.Count == 0)
        {
            disks.Add(Path.Combine(".data", "storage-node", nodeId, "d0"));
        }

        string? advertised = config["Cairn:AdvertisedGrpcUrl"];
        if (string.IsNullOrEmpty(advertised) && config["Cairn:GrpcPort"] is { Length: > 0 } port)
        {
            advertised = $"http://127.0.0.1:{port}";
        }

        string? dataUrl = config["Cairn:AdvertisedDataUrl"];
        if (string.IsNullOrEmpty(dataUrl) && config["Cairn:HttpPort"] is { Length: > 0 } httpPort)
        {
            dataUrl = $"http://127.0.0.1:{httpPort}";
        }

        return new StorageNodeOptions
        {
            NodeId = nodeId,
            DiskPaths = disks,
            Zone = config["Cairn:Zone"] is { Length: > 0 } zone ? zone : "zone-a",
            Rack = config["Cairn:Rack"] is { Length: > 0 } rack ? rack : "rack-1",
            DiskCapacityBytes = config.GetValue<long?>("Cairn:DiskCapacityBytes"),
            AdvertisedGrpcUrl = advertised,
            AdvertisedDataUrl = dataUrl,
            HeatReportInterval = TimeSpan.FromMilliseconds(config.GetValue("Cairn:HeatReportIntervalMs", 2000)),
        };
    }
}
