using Cairn.BackgroundOps.Gc;
using Cairn.BackgroundOps.Jobs;
using Cairn.BackgroundOps.Repair;
using Cairn.BackgroundOps.V1;
using Grpc.Core;
using BackgroundOpsApi = Cairn.BackgroundOps.V1.BackgroundOps;

namespace Cairn.BackgroundOps.Grpc;

/// <summary>The BackgroundOps gRPC contract over <see cref="JobRunner"/>.</summary>
public sealed class BackgroundOpsService(JobRunner runner, RetryQueue queue, BackgroundOpsMetrics metrics, RepairRunner repairs)
    : BackgroundOpsApi.BackgroundOpsBase
{
    public override Task<OpsStatus> GetStatus(GetStatusRequest request, ServerCallContext context)
    {
        var status = new OpsStatus
        {
            GcQueueLength = (ulong)queue.Count,
            ShardsDeleted = (ulong)metrics.ShardsDeleted,
            EventsReceived = (ulong)metrics.EventsReceived,
        };
        status.Jobs.AddRange(runner.Statuses().Select(ToProto));
        status.Repairs.AddRange(repairs.Progress().Select(p => new V1.RepairProgress
        {
            DiskId = p.DiskId,
            Reason = p.Reason,
            ShardsSeen = (ulong)p.ShardsSeen,
            ShardsRepaired = (ulong)p.ShardsRepaired,
            ShardsFailed = (ulong)p.ShardsFailed,
            ShardsSuperseded = (ulong)p.ShardsSuperseded,
            Bytes = (ulong)p.Bytes,
            Finished = p.Finished,
        }));
        return Task.FromResult(status);
    }

    public override async Task<TriggerJobResponse> TriggerJob(TriggerJobRequest request, ServerCallContext context)
    {
        var kind = request.Kind switch
        {
            JobKind.GcReconcile => OpsJobKind.GcReconcile,
            JobKind.Scrub => OpsJobKind.Scrub,
            JobKind.Repair => OpsJobKind.Repair,
            _ => throw new RpcException(new Status(StatusCode.InvalidArgument, $"unknown job kind {request.Kind}")),
        };
        var status = await runner.RunAsync(kind, context.CancellationToken);
        return new TriggerJobResponse { Status = ToProto(status) };
    }

    private static JobStatus ToProto(JobStatusView v) => new()
    {
        Kind = v.Kind switch
        {
            OpsJobKind.GcReconcile => JobKind.GcReconcile,
            OpsJobKind.Scrub => JobKind.Scrub,
            OpsJobKind.Repair => JobKind.Repair,
            _ => JobKind.Unspecified,
        },
        State = v.State,
        LastStartedUnixMs = v.LastStarted?.ToUnixTimeMilliseconds() ?? 0,
        LastFinishedUnixMs = v.LastFinished?.ToUnixTimeMilliseconds() ?? 0,
        ItemsDone = v.ItemsDone,
        Runs = v.Runs,
        LastError = v.LastError,
    };
}
