namespace Cairn.Placement.Choice;

/// <summary>One request for a shard set: <paramref name="Count"/> = k + m disks.</summary>
public sealed record ShardSetRequest(int Count, ulong ShardSizeHint, IReadOnlyCollection<string> ExcludeDiskIds)
{
    public static ShardSetRequest Of(int count, ulong shardSizeHint = 0, params string[] exclude) =>
        new(count, shardSizeHint, exclude);
}
