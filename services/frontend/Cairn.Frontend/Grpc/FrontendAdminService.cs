using Cairn.Frontend.Telemetry;
using Cairn.Frontend.V1;
using Grpc.Core;

namespace Cairn.Frontend.Grpc;

/// <summary>FrontendAdmin over the in-process request summary.</summary>
public sealed class FrontendAdminService(FrontendMetrics metrics) : FrontendAdmin.FrontendAdminBase
{
    public override Task<FrontendStatus> GetStatus(GetStatusRequest request, ServerCallContext context)
    {
        var status = new FrontendStatus
        {
            BytesIn = (ulong)metrics.BytesIn,
            BytesOut = (ulong)metrics.BytesOut,
            DegradedReads = (ulong)metrics.DegradedReads,
        };
        status.Operations.AddRange(metrics.Snapshot().Select(s => new OperationStats
        {
            Operation = s.Operation,
            Requests = (ulong)s.Requests,
            Errors = (ulong)s.Errors,
            LatencyP50Ms = s.P50Ms,
            LatencyP99Ms = s.P99Ms,
        }));
        return Task.FromResult(status);
    }
}
