namespace Cairn.HeatMonitor.Heat;

/// <summary>Counters over one reporting window on one disk (the proto's DiskHeatSample, in domain terms).</summary>
public sealed record HeatSample(
    string DiskId,
    string NodeId,
    ulong Reads,
    ulong Writes,
    ulong BytesRead,
    ulong BytesWritten,
    uint QueueDepth,
    double LatencyP99Ms,
    TimeSpan Window);

/// <summary>One disk's heat at one instant.</summary>
public sealed record DiskHeatView(
    string DiskId,
    string NodeId,
    double Heat,
    double ReadOpsPerSecond,
    double WriteOpsPerSecond,
    double BytesPerSecond,
    double LatencyP99Ms,
    uint QueueDepth,
    bool Hot,
    long UpdatedUnixMs);

public sealed record HeatSnapshot(IReadOnlyList<DiskHeatView> Disks, double HotThreshold, long GeneratedUnixMs);

/// <summary>A disk turned hot (Hot = true) or cooled down.</summary>
public sealed record HotTransition(string DiskId, bool Hot, double Heat);
