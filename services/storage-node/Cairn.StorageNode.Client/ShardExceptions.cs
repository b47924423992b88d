namespace Cairn.StorageNode.Client;

/// <summary>A shard block failed its CRC32C check (or the stream was truncated): the bytes were not returned.</summary>
public sealed class ShardCorruptException : Exception
{
    public ShardCorruptException()
    {
    }

    public ShardCorruptException(string message)
        : base(message)
    {
    }

    public ShardCorruptException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ShardCorruptException(string diskId, string shardId, string message, Exception? innerException = null)
        : base($"shard '{shardId}' on disk '{diskId}' is corrupt: {message}", innerException)
    {
        DiskId = diskId;
        ShardId = shardId;
    }

    /// <summary>The disk holding the bad copy, so the caller can report it for repair.</summary>
    public string? DiskId { get; }

    public string? ShardId { get; }
}

/// <summary>The node does not hold the shard (never written, deleted, or the disk was replaced).</summary>
public sealed class ShardNotFoundException : Exception
{
    public ShardNotFoundException()
    {
    }

    public ShardNotFoundException(string message)
        : base(message)
    {
    }

    public ShardNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ShardNotFoundException(string diskId, string shardId, Exception? innerException = null)
        : base($"shard '{shardId}' not found on disk '{diskId}'", innerException)
    {
        DiskId = diskId;
        ShardId = shardId;
    }

    public string? DiskId { get; }

    public string? ShardId { get; }
}
