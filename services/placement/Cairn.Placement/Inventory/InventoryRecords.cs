using Cairn.Placement.Choice;

namespace Cairn.Placement.Inventory;

/// <summary>State an operator sets on a disk; it overrides what the node reports, except OFFLINE/FAILED.</summary>
public enum AdminState
{
    None,
    Draining,
    Failed,
    Full,
}

public sealed record NodeRegistration(string NodeId, string Endpoint, string Zone, string Rack, IReadOnlyList<DiskRegistration> Disks);

/// <summary>A disk as its node announces it; empty endpoint/zone/rack inherit the node's.</summary>
public sealed record DiskRegistration(
    string DiskId, string Endpoint, string Zone, string Rack, ulong CapacityBytes, ulong UsedBytes, ulong ShardCount);

public sealed record DiskUsageReport(string DiskId, ulong CapacityBytes, ulong UsedBytes, bool Failed, bool Full, ulong ShardCount);

public sealed record DiskHeatReport(string DiskId, double Heat, bool Hot);

/// <summary>A read-only view of one disk at one instant, with its effective health already worked out.</summary>
public sealed record DiskView(
    string DiskId,
    string NodeId,
    string Endpoint,
    string Zone,
    string Rack,
    ulong CapacityBytes,
    ulong UsedBytes,
    ulong ShardCount,
    DiskHealth Health,
    double Heat,
    bool Hot,
    long LastHeartbeatUnixMs)
{
    public double FillFraction => CapacityBytes == 0 ? 1 : Math.Min(1, (double)UsedBytes / CapacityBytes);

    public PlacementCandidate ToCandidate() =>
        new(DiskId, NodeId, Zone, Rack, CapacityBytes, UsedBytes, Health, Heat, Hot);
}

public sealed record InventorySnapshot(IReadOnlyList<DiskView> Disks, long Version);
