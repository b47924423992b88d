namespace Cairn.StorageNode.Shards.Engine;

/// <summary>Tunables of one disk's engine; the defaults are the production ones.</summary>
public sealed record EngineOptions
{
    /// <summary>An extent is sealed once appends would take it past this size (a larger single chunk still fits alone).</summary>
    public long ExtentBytes { get; init; } = 128L * 1024 * 1024;

    /// <summary>The index log is checkpointed when it outgrows twice its last checkpoint and this floor.</summary>
    public long CheckpointFloorBytes { get; init; } = 8L * 1024 * 1024;

    /// <summary>A sealed extent whose live bytes fall below this fraction is evacuated by reclamation.</summary>
    public double ReclaimBelowLiveFraction { get; init; } = 0.5;

    /// <summary>Run reclamation by itself when dead bytes pile up; tests turn it off to drive it step by step.</summary>
    public bool BackgroundReclamation { get; init; } = true;

    /// <summary>
    /// Where new extents get their commit salt; null = a cryptographic random number (production). Tests pin
    /// file bytes with a fixed one.
    /// </summary>
    public Func<ulong>? ExtentSalt { get; init; }

    /// <summary>Per-disk capacity; null = the file system's size.</summary>
    public long? CapacityBytes { get; init; }
}
