using Cairn.Placement.Choice;
using Cairn.Placement.Inventory;
using Cairn.Placement.V1;
using Grpc.Core;
using PlacementApi = Cairn.Placement.V1.Placement;

namespace Cairn.Placement.Grpc;

/// <summary>The Placement gRPC contract over <see cref="DiskInventory"/> and <see cref="ShardSetPlacer"/>.</summary>
public sealed class PlacementService(DiskInventory inventory, ShardSetPlacer placer, PlacementMetrics metrics)
    : PlacementApi.PlacementBase
{
    public override Task<RegisterNodeResponse> RegisterNode(RegisterNodeRequest request, ServerCallContext context)
    {
        if (string.IsNullOrEmpty(request.NodeId))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "node_id is required"));
        }

        inventory.RegisterNode(request.ToDomain());
        return Task.FromResult(new RegisterNodeResponse
        {
            HeartbeatIntervalMs = (uint)inventory.HeartbeatInterval.TotalMilliseconds,
        });
    }

    public override Task<HeartbeatResponse> Heartbeat(HeartbeatRequest request, ServerCallContext context)
    {
        var known = inventory.Heartbeat(request.NodeId, request.ToDomain());
        metrics.Heartbeat(known);
        return Task.FromResult(new HeartbeatResponse { Known = known });
    }

    public override Task<ChooseShardSetResponse> ChooseShardSet(ChooseShardSetRequest request, ServerCallContext context)
    {
        try
        {
            var chosen = placer.Place(new ShardSetRequest((int)Math.Min(request.Count, int.MaxValue), request.ShardSizeHint, request.ExcludeDiskIds));
            var response = new ChooseShardSetResponse();
            response.Disks.AddRange(chosen.Select(d => d.ToProto()));
            return Task.FromResult(response);
        }
        catch (PlacementException e)
        {
            var code = e.Failure switch
            {
                PlacementFailure.InvalidRequest => StatusCode.InvalidArgument,
                PlacementFailure.NotEnoughSpace => StatusCode.ResourceExhausted,
                _ => StatusCode.Unavailable,
            };
            throw new RpcException(new Status(code, e.Message));
        }
    }

    public override Task<DiskMap> GetDiskMap(GetDiskMapRequest request, ServerCallContext context)
    {
        var snapshot = inventory.Snapshot();
        var map = new DiskMap { Version = snapshot.Version };
        map.Disks.AddRange(snapshot.Disks.Select(d => d.ToProto()));
        return Task.FromResult(map);
    }

    public override Task<SetDiskStateResponse> SetDiskState(SetDiskStateRequest request, ServerCallContext context)
    {
        var state = request.State.ToAdminState()
            ?? throw new RpcException(new Status(StatusCode.InvalidArgument, $"state {request.State} cannot be set; OFFLINE follows heartbeats"));
        if (!inventory.SetAdminState(request.DiskId, state))
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"unknown disk '{request.DiskId}'"));
        }

        return Task.FromResult(new SetDiskStateResponse());
    }

    /// <summary>Drains (or, with undo, reactivates the draining disks of) one node, disk by disk; each change is persisted.</summary>
    public override Task<DrainNodeResponse> DrainNode(DrainNodeRequest request, ServerCallContext context)
    {
        var disks = NodeDisks(request.NodeId);
        if (disks.Count == 0)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"no disks on node '{request.NodeId}'"));
        }

        foreach (var disk in disks.Where(d => !request.Undo || d.Health == DiskHealth.Draining))
        {
            inventory.SetAdminState(disk.DiskId, request.Undo ? AdminState.None : AdminState.Draining);
        }

        var response = new DrainNodeResponse();
        response.Disks.AddRange(NodeDisks(request.NodeId).Select(d => d.ToProto()));
        return Task.FromResult(response);
    }

    private List<DiskView> NodeDisks(string nodeId) => inventory.Snapshot().Disks.Where(d => d.NodeId == nodeId).ToList();

    public override Task<ReportDiskHeatResponse> ReportDiskHeat(ReportDiskHeatRequest request, ServerCallContext context)
    {
        inventory.ReportHeat(request.Disks.Select(d => new DiskHeatReport(d.DiskId, d.Heat, d.Hot)));
        return Task.FromResult(new ReportDiskHeatResponse());
    }
}
