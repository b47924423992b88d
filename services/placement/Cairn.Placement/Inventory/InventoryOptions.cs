namespace Cairn.Placement.Inventory;

public sealed class InventoryOptions
{
    /// <summary>A node silent for this long has all its disks OFFLINE (Cairn:HeartbeatTimeoutSeconds).</summary>
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Where the inventory is persisted (Cairn:DataDir/placement.json); null keeps it in memory only.</summary>
    public string? FilePath { get; init; }

    /// <summary>
    /// What nodes are told to use (Cairn:HeartbeatIntervalMs). Unset: a third of the timeout, so a node may miss
    /// two heartbeats before it is declared offline.
    /// </summary>
    public TimeSpan? ConfiguredHeartbeatInterval { get; init; }

    public TimeSpan HeartbeatInterval =>
        ConfiguredHeartbeatInterval ?? TimeSpan.FromMilliseconds(Math.Max(100, HeartbeatTimeout.TotalMilliseconds / 3));
}
