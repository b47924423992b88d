namespace Cairn.HeatMonitor.Heat;

public sealed class HeatOptions
{
    /// <summary>After one half-life without traffic a disk's heat halves (Cairn:HeatHalfLifeSeconds).</summary>
    public TimeSpan HalfLife { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A disk is never hot below this many ops/s (Cairn:HotFloorOpsPerSecond): a disk seeks ~120 times a
    /// second, so half of that is where queueing starts to show, whatever the median says.
    /// </summary>
    public double HotFloor { get; init; } = 60;

    /// <summary>Hot = heat above this multiple of the fleet median (Cairn:HotFactor).</summary>
    public double HotFactor { get; init; } = 2;

    /// <summary>A hot disk cools only below this fraction of the threshold, so a disk near it does not flap.</summary>
    public double CoolRatio { get; init; } = 0.8;
}
