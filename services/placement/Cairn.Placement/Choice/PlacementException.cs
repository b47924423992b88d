namespace Cairn.Placement.Choice;

public enum PlacementFailure
{
    /// <summary>The request itself is wrong (count of zero, say).</summary>
    InvalidRequest,
    /// <summary>Not enough disks are up: the cluster is degraded.</summary>
    NotEnoughDisks,
    /// <summary>Enough disks are up, but too few have room for the shard.</summary>
    NotEnoughSpace,
}

/// <summary>A shard set cannot be chosen; the message says why in operator terms.</summary>
public sealed class PlacementException(PlacementFailure failure, string message) : Exception(message)
{
    public PlacementFailure Failure { get; } = failure;
}
