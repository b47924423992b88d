using Cairn.Heat.V1;
using Cairn.HeatMonitor.Heat;
using Cairn.HeatMonitor.Publishing;
using Grpc.Core;
using HeatMonitorApi = Cairn.Heat.V1.HeatMonitor;

namespace Cairn.HeatMonitor.Grpc;

/// <summary>The HeatMonitor gRPC contract over <see cref="HeatTracker"/> and <see cref="HeatIntake"/>.</summary>
public sealed class HeatMonitorService(HeatTracker tracker, HeatIntake intake, PushOptions options, TimeProvider time)
    : HeatMonitorApi.HeatMonitorBase
{
    public override async Task<ReportHeatResponse> ReportHeat(ReportHeatRequest request, ServerCallContext context)
    {
        var samples = request.Samples.Select(s => new HeatSample(
            s.DiskId,
            string.IsNullOrEmpty(s.NodeId) ? request.NodeId : s.NodeId,
            s.Reads,
            s.Writes,
            s.BytesRead,
            s.BytesWritten,
            s.QueueDepth,
            s.LatencyP99Ms,
            TimeSpan.FromMilliseconds(s.WindowMs))).ToList();
        await intake.ReportAsync(samples, context.CancellationToken);
        return new ReportHeatResponse();
    }

    public override Task<HeatMap> GetHeatMap(GetHeatMapRequest request, ServerCallContext context) =>
        Task.FromResult(ToProto(tracker.Snapshot()));

    /// <summary>A map at once, then one per interval and one per change, until the client goes away.</summary>
    public override async Task WatchHeatMap(GetHeatMapRequest request, IServerStreamWriter<HeatMap> responseStream, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var changed = tracker.Changed;
                await responseStream.WriteAsync(ToProto(tracker.Snapshot()), ct);
                await Task.WhenAny(changed, Task.Delay(options.WatchInterval, time, ct));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client cancelled: the stream simply ends.
        }
    }

    private static HeatMap ToProto(HeatSnapshot snapshot)
    {
        var map = new HeatMap { GeneratedUnixMs = snapshot.GeneratedUnixMs };
        map.Disks.AddRange(snapshot.Disks.Select(d => new DiskHeatState
        {
            DiskId = d.DiskId,
            NodeId = d.NodeId,
            Heat = d.Heat,
            ReadOpsPerS = d.ReadOpsPerSecond,
            WriteOpsPerS = d.WriteOpsPerSecond,
            BytesPerS = d.BytesPerSecond,
            LatencyP99Ms = d.LatencyP99Ms,
            QueueDepth = d.QueueDepth,
            Hot = d.Hot,
            UpdatedUnixMs = d.UpdatedUnixMs,
        }));
        return map;
    }
}
