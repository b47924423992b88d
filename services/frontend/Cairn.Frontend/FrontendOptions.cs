namespace Cairn.Frontend;

/// <summary>Frontend settings, bound from the "Cairn" configuration section.</summary>
public sealed class FrontendOptions
{
    /// <summary>Virtual-hosted-style base domain (e.g. s3.localhost); empty = path-style only.</summary>
    public string? Domain { get; set; }

    /// <summary>The region reported for buckets and by GetBucketLocation.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>Bytes per shard block: the unit of checksum, of gRPC messages and of pooled buffers.</summary>
    public int BlockSize { get; set; } = 1024 * 1024;

    /// <summary>Copies of every object (replicated scheme).</summary>
    public int Replicas { get; set; } = 3;

    /// <summary>Largest single PUT or part (S3: 5 GiB).</summary>
    public long MaxObjectSize { get; set; } = 5L * 1024 * 1024 * 1024;

    /// <summary><c>Cairn:ErasureCoding:*</c>: which objects are erasure-coded, and how.</summary>
    public ErasureCodingOptions ErasureCoding { get; set; } = new();

    /// <summary><c>Cairn:ReadSteering:*</c>: which k shards an erasure-coded read uses, and when it hedges.</summary>
    public ReadSteeringOptions ReadSteering { get; set; } = new();
}

public sealed class ErasureCodingOptions
{
    /// <summary>Objects and parts of at least this many bytes are erasure-coded; smaller ones are replicated.</summary>
    public long ThresholdBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// x-amz-storage-class → scheme: "k+m" (e.g. "4+2", "6+3", "8+4") or "replicated". A request without the
    /// header uses STANDARD; a class missing here is refused with InvalidStorageClass.
    /// </summary>
    public Dictionary<string, string> StorageClasses { get; set; } = new(StringComparer.Ordinal)
    {
        ["STANDARD"] = "4+2",
        ["STANDARD_IA"] = "6+3",
        ["INTELLIGENT_TIERING"] = "4+2",
        ["GLACIER_IR"] = "8+4",
        ["REDUCED_REDUNDANCY"] = "replicated",
    };
}

public sealed class ReadSteeringOptions
{
    /// <summary>Choose the k shards on the coolest disks (off: data shards first, as stored).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Hedge a shard read slower than the disk class's running p95 with a spare shard.</summary>
    public bool HedgeEnabled { get; set; } = true;

    /// <summary>Heat (ops/s) a parity shard must save before it is read instead of a data shard: decoding costs CPU.</summary>
    public double ParityPenalty { get; set; } = 20;

    /// <summary>Percentile of recent block-read latencies (per disk, then the median over disks) beyond which a read is hedged.</summary>
    public double HedgePercentile { get; set; } = 0.95;

    /// <summary>The hedge delay never drops below this (ms): below it a hedge costs more than it saves.</summary>
    public double HedgeFloorMs { get; set; } = 20;

    /// <summary>The hedge delay for a disk with fewer than <see cref="HedgeMinSamples"/> samples (ms).</summary>
    public double HedgeInitialMs { get; set; } = 100;

    /// <summary>Samples a disk needs before its latencies count (for the class figures and for a slow verdict).</summary>
    public int HedgeMinSamples { get; set; } = 16;

    /// <summary>A disk whose recent median read latency is this many times the class median (and <see cref="SlowMarginMs"/> above it) is read around.</summary>
    public double SlowFactor { get; set; } = 1.5;

    /// <summary>How far (ms) above the class median a disk's median must be before it counts as slow.</summary>
    public double SlowMarginMs { get; set; } = 20;

    /// <summary>A slow verdict lapses when the disk has not been read for this long (s), so it is tried again.</summary>
    public double SlowVerdictSeconds { get; set; } = 10;

    /// <summary>
    /// A disk judged slow is read once every this many seconds off the critical path (a probe nobody waits for), so
    /// the verdict rests on fresh evidence: it holds while the disk stays slow and clears once it has recovered,
    /// instead of lapsing and sending a burst of requests back to a still-slow disk. 0 turns probes off.
    /// </summary>
    public double SlowProbeSeconds { get; set; } = 0.5;

    /// <summary>A shard block read taking longer than this (ms) counts as failed, hedging or not.</summary>
    public double ReadTimeoutMs { get; set; } = 30_000;
}
