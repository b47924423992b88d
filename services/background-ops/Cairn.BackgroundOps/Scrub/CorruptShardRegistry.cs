namespace Cairn.BackgroundOps.Scrub;

public sealed record CorruptShard(string DiskId, string ShardId, DateTimeOffset DetectedAt);

/// <summary>
/// Corrupt shards the last scrub of each disk found: the work list for repair (which comes later). A disk's
/// entry is replaced by its next scrub, so a shard that was repaired or deleted leaves the list by itself.
/// </summary>
public sealed class CorruptShardRegistry
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, IReadOnlyList<CorruptShard>> _byDisk = new(StringComparer.Ordinal);

    public void ReplaceDisk(string diskId, IEnumerable<string> corruptShardIds, DateTimeOffset at)
    {
        var list = corruptShardIds.Select(id => new CorruptShard(diskId, id, at)).ToList();
        lock (_lock)
        {
            // Keep the first detection time of a shard still corrupt, so its age shows how long repair is owed.
            if (_byDisk.TryGetValue(diskId, out var previous))
            {
                var first = previous.ToDictionary(c => c.ShardId, c => c.DetectedAt, StringComparer.Ordinal);
                list = list.Select(c => first.TryGetValue(c.ShardId, out var t) ? c with { DetectedAt = t } : c).ToList();
            }

            _byDisk[diskId] = list;
        }
    }

    /// <summary>One shard a storage node reported corrupt (a read or its scrub failed the block checks).</summary>
    public void Add(string diskId, string shardId, DateTimeOffset at)
    {
        lock (_lock)
        {
            var list = _byDisk.GetValueOrDefault(diskId) ?? [];
            if (!list.Any(c => c.ShardId == shardId))
            {
                _byDisk[diskId] = [.. list, new CorruptShard(diskId, shardId, at)];
            }
        }
    }

    public IReadOnlyList<CorruptShard> All()
    {
        lock (_lock)
        {
            return _byDisk.Values.SelectMany(l => l).OrderBy(c => c.DetectedAt).ToList();
        }
    }
}
