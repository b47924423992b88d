namespace Cairn.Placement.Choice;

/// <summary>What the chooser needs to know about one disk; a snapshot, never a live record.</summary>
public sealed record PlacementCandidate(
    string DiskId,
    string NodeId,
    string Zone,
    string Rack,
    ulong CapacityBytes,
    ulong UsedBytes,
    DiskHealth Health,
    double Heat = 0,
    bool Hot = false)
{
    public ulong FreeBytes => UsedBytes >= CapacityBytes ? 0 : CapacityBytes - UsedBytes;
}

/// <summary>The effective state of a disk as the chooser sees it (mirrors the proto's DiskState).</summary>
public enum DiskHealth
{
    Active,
    Draining,
    Failed,
    Full,
    Offline,
}
