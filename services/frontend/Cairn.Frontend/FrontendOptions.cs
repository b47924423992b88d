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
}
