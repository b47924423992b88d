namespace Cairn.StorageNode.Shards;

// Domain failures of a shard store; the gRPC adapter maps each to one status code.

/// <summary>The shard does not exist on this disk (NotFound).</summary>
public sealed class ShardMissingException(string shardId) : Exception($"shard '{shardId}' not found")
{
    public string ShardId { get; } = shardId;
}

/// <summary>Stored bytes failed verification (DataLoss). The bad bytes are never returned.</summary>
public sealed class ShardDamagedException(string shardId, string reason) : Exception($"shard '{shardId}' is corrupt: {reason}")
{
    public string ShardId { get; } = shardId;
}

/// <summary>An incoming block's bytes do not match the CRC32C the sender computed (DataLoss).</summary>
public sealed class BlockChecksumMismatchException(long offset) : Exception($"block at offset {offset} does not match its CRC32C");

/// <summary>The write stream broke the protocol: wrong offsets, sizes or commit length (InvalidArgument).</summary>
public sealed class InvalidShardWriteException(string message) : Exception(message);

/// <summary>No room for the shard (ResourceExhausted).</summary>
public sealed class DiskFullException(string diskPath, Exception? inner = null) : Exception($"disk '{diskPath}' is full", inner);

/// <summary>The disk failed an I/O (Unavailable); repeated failures mark the disk failed.</summary>
public sealed class DiskIoException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The disk is marked failed and serves nothing (Unavailable).</summary>
public sealed class DiskFailedException(string diskId) : Exception($"disk '{diskId}' has failed");
