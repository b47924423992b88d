using Cairn.BackgroundOps.Gateways;
using Grpc.Core;

namespace Cairn.BackgroundOps.Tests;

/// <summary>Placement's disk map, in memory.</summary>
internal sealed class FakeDiskDirectory : IDiskDirectory
{
    public Dictionary<string, DiskTarget> Disks { get; } = new(StringComparer.Ordinal);

    public void Add(params string[] diskIds)
    {
        foreach (var id in diskIds)
        {
            Disks[id] = new DiskTarget(id, "node-" + id, "http://" + id);
        }
    }

    public Task<IReadOnlyList<DiskTarget>> ListAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<DiskTarget>>(Disks.Values.OrderBy(d => d.DiskId, StringComparer.Ordinal).ToList());

    public Task<DiskTarget?> FindAsync(string diskId, CancellationToken ct) => Task.FromResult(Disks.GetValueOrDefault(diskId));
}

/// <summary>Storage nodes, in memory: shards per disk with their creation time; a disk can be made to fail.</summary>
internal sealed class FakeStorage : IShardInventory, IShardDeleter, IDiskScrubber
{
    private readonly Lock _lock = new();

    public Dictionary<string, SortedDictionary<string, long>> Shards { get; } = new(StringComparer.Ordinal);

    public HashSet<string> DownDisks { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, List<string>> Corrupt { get; } = new(StringComparer.Ordinal);

    public List<(string Disk, string Shard, bool Existed)> Deletes { get; } = [];

    public void Put(string disk, string shard, DateTimeOffset created)
    {
        lock (_lock)
        {
            if (!Shards.TryGetValue(disk, out var shards))
            {
                shards = new SortedDictionary<string, long>(StringComparer.Ordinal);
                Shards[disk] = shards;
            }

            shards[shard] = created.ToUnixTimeMilliseconds();
        }
    }

    public bool Has(string disk, string shard)
    {
        lock (_lock)
        {
            return Shards.TryGetValue(disk, out var s) && s.ContainsKey(shard);
        }
    }

    public Task<ShardListing> ListAsync(DiskTarget disk, string startAfter, int limit, CancellationToken ct)
    {
        ThrowIfDown(disk);
        lock (_lock)
        {
            var all = Shards.GetValueOrDefault(disk.DiskId) ?? [];
            var after = all.Where(kv => string.CompareOrdinal(kv.Key, startAfter) > 0).ToList();
            var page = after.Take(limit).Select(kv => new ShardEntry(kv.Key, kv.Value)).ToList();
            return Task.FromResult(new ShardListing(page, after.Count > limit));
        }
    }

    public Task<bool> DeleteAsync(DiskTarget disk, string shardId, CancellationToken ct)
    {
        ThrowIfDown(disk);
        lock (_lock)
        {
            var existed = Shards.TryGetValue(disk.DiskId, out var s) && s.Remove(shardId);
            Deletes.Add((disk.DiskId, shardId, existed));
            return Task.FromResult(existed);
        }
    }

    public Task<ScrubOutcome> ScrubAsync(DiskTarget disk, CancellationToken ct)
    {
        ThrowIfDown(disk);
        lock (_lock)
        {
            var count = (ulong)(Shards.GetValueOrDefault(disk.DiskId)?.Count ?? 0);
            return Task.FromResult(new ScrubOutcome(count, count * 4, Corrupt.GetValueOrDefault(disk.DiskId) ?? []));
        }
    }

    private void ThrowIfDown(DiskTarget disk)
    {
        if (DownDisks.Contains(disk.DiskId))
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"{disk.DiskId} is down"));
        }
    }
}

/// <summary>The namespace's reference index, in memory.</summary>
internal sealed class FakeReferences : IReferenceChecker
{
    public HashSet<string> Referenced { get; } = new(StringComparer.Ordinal);

    /// <summary>The per-disk shard index (ListShardsOnDisk); tests fill it apart from <see cref="Referenced"/> to model lag.</summary>
    public Dictionary<string, SortedSet<string>> Index { get; } = new(StringComparer.Ordinal);

    public bool Down { get; set; }

    public int IndexPages { get; private set; }

    public void Reference(string disk, string shard)
    {
        Referenced.Add(shard);
        if (!Index.TryGetValue(disk, out var set))
        {
            set = new SortedSet<string>(StringComparer.Ordinal);
            Index[disk] = set;
        }

        set.Add(shard);
    }

    public Task<ReferencedPage> ListReferencedOnDiskAsync(string diskId, string startAfter, int limit, CancellationToken ct)
    {
        IndexPages++;
        if (Down)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "namespace is down"));
        }

        var after = (Index.GetValueOrDefault(diskId) ?? []).Where(id => string.CompareOrdinal(id, startAfter) > 0).ToList();
        return Task.FromResult(new ReferencedPage(after.Take(limit).ToList(), after.Count > limit));
    }

    public int Checks { get; private set; }

    public Task<bool> IsReferencedAsync(string shardId, CancellationToken ct)
    {
        Checks++;
        if (Down)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "namespace is down"));
        }

        return Task.FromResult(Referenced.Contains(shardId));
    }
}
