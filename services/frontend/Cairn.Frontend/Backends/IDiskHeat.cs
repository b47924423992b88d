namespace Cairn.Frontend.Backends;

/// <summary>Current heat per disk (time-decayed operations per second), for read steering.</summary>
public interface IDiskHeat
{
    /// <summary>0 for a disk not (yet) known: an unknown disk is treated as cool.</summary>
    double HeatOf(string diskId);
}

/// <summary>Every disk cool: steering then reads data shards first (used when no heat monitor is wired).</summary>
public sealed class NoDiskHeat : IDiskHeat
{
    public double HeatOf(string diskId) => 0;
}
