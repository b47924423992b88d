namespace Cairn.HeatMonitor.Publishing;

public sealed class PushOptions
{
    /// <summary>How often heat goes to placement (Cairn:HeatPushIntervalSeconds).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often WatchHeatMap sends a map when nothing changed (Cairn:HeatWatchIntervalMs).</summary>
    public TimeSpan WatchInterval { get; init; } = TimeSpan.FromSeconds(1);
}
