namespace Cairn.Placement.Choice;

public sealed class ChooserOptions
{
    /// <summary>Bytes kept free on every disk beyond the shard itself, so a disk never fills to the last block.</summary>
    public ulong ReserveBytes { get; init; } = 64UL * 1024 * 1024;

    /// <summary>
    /// Heats within this relative margin count as equal. Without it, power of two choices would starve the
    /// slightly warmest disk entirely on noise alone.
    /// </summary>
    public double HeatTolerance { get; init; } = 0.25;

    /// <summary>Absolute heat difference (ops/s) below which two disks count as equally warm.</summary>
    public double HeatFloor { get; init; } = 5;
}
