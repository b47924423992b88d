using Cairn.Placement.Choice;
using Cairn.Placement.Inventory;
using Cairn.Placement.V1;

namespace Cairn.Placement.Grpc;

/// <summary>Proto messages to domain records and back; the only place that knows both.</summary>
internal static class ProtoMapping
{
    public static DiskInfo ToProto(this DiskView v) => new()
    {
        DiskId = v.DiskId,
        NodeId = v.NodeId,
        Endpoint = v.Endpoint,
        Zone = v.Zone,
        Rack = v.Rack,
        CapacityBytes = v.CapacityBytes,
        UsedBytes = v.UsedBytes,
        State = v.Health.ToProto(),
        Heat = v.Heat,
        LastHeartbeatUnixMs = v.LastHeartbeatUnixMs,
        ShardCount = v.ShardCount,
    };

    public static DiskState ToProto(this DiskHealth health) => health switch
    {
        DiskHealth.Active => DiskState.Active,
        DiskHealth.Draining => DiskState.Draining,
        DiskHealth.Failed => DiskState.Failed,
        DiskHealth.Full => DiskState.Full,
        DiskHealth.Offline => DiskState.Offline,
        _ => DiskState.Unspecified,
    };

    /// <summary>OFFLINE is derived from heartbeats and cannot be set; ACTIVE clears any operator state.</summary>
    public static AdminState? ToAdminState(this DiskState state) => state switch
    {
        DiskState.Active => AdminState.None,
        DiskState.Draining => AdminState.Draining,
        DiskState.Failed => AdminState.Failed,
        DiskState.Full => AdminState.Full,
        _ => null,
    };

    public static NodeRegistration ToDomain(this RegisterNodeRequest r) => new(
        r.NodeId,
        r.Endpoint,
        r.Zone,
        r.Rack,
        r.Disks.Select(d => new DiskRegistration(d.DiskId, d.Endpoint, d.Zone, d.Rack, d.CapacityBytes, d.UsedBytes, d.ShardCount)).ToList());

    public static List<DiskUsageReport> ToDomain(this HeartbeatRequest r) =>
        r.Disks.Select(d => new DiskUsageReport(d.DiskId, d.CapacityBytes, d.UsedBytes, d.Failed, d.Full, d.ShardCount)).ToList();
}
