using Cairn.Placement.V1;

namespace Cairn.Frontend.Backends;

/// <summary>Placement as the data path needs it: where to write new shards, and where a disk lives.</summary>
public interface IShardPlacement
{
    /// <summary>Disks in shard index order. Throws ServiceUnavailable when placement cannot satisfy the count.</summary>
    Task<IReadOnlyList<DiskInfo>> ChooseShardSetAsync(int count, long shardSizeHint, IReadOnlyCollection<string> excludeDiskIds, string bucket, CancellationToken ct);

    /// <summary>The disk, from a cached disk map refreshed on a miss; null when placement does not know it.</summary>
    Task<DiskInfo?> GetDiskAsync(string diskId, CancellationToken ct);
}
