namespace Cairn.StorageNode.Shards.Engine;

/// <summary>
/// The in-memory index: shard id to entry, in ordinal id order for listing, plus the live bytes of each
/// extent for reclamation. Only the group committer changes it (after the change is durable), under a lock;
/// lookups take no lock (<see cref="EntryMap"/>) and get immutable entries. Beside each entry sits what a
/// whole read of a small page-aligned shard needs (<see cref="WholeChunk"/>), so that read touches one
/// table slot instead of chasing the entry's objects through memory.
/// </summary>
public sealed class ShardTable
{
    private readonly Lock _lock = new();
    private readonly SortedSet<string> _ids = new(StringComparer.Ordinal);
    private readonly EntryMap _entries = new();
    private readonly Dictionary<uint, long> _liveBytes = [];

    public long Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    public ShardEntry? Get(string shardId) => Get(shardId, out _);

    /// <summary>The entry, and in <paramref name="whole"/> its page-aligned data when it can be read whole (else default).</summary>
    public ShardEntry? Get(string shardId, out WholeChunk whole) => _entries.Get(shardId, out whole);

    public long LiveBytes(uint extentId)
    {
        lock (_lock)
        {
            return _liveBytes.GetValueOrDefault(extentId);
        }
    }

    public long TotalLiveBytes()
    {
        lock (_lock)
        {
            return _liveBytes.Values.Sum();
        }
    }

    /// <summary>Applies one record; returns whether it changed anything (a delete of a present shard, a current relocation).</summary>
    public bool Apply(IndexRecord record)
    {
        lock (_lock)
        {
            switch (record)
            {
                case PutRecord put:
                    SetLocked(put.Entry);
                    return true;
                case DeleteRecord delete:
                    return RemoveLocked(delete.ShardId);
                case RelocateRecord move when _entries.Get(move.ShardId, out _) is { } current && current.Version == move.Version
                                             && current.Chunks.Length == move.Chunks.Length:
                    SetLocked(current with { Chunks = move.Chunks });
                    return true;
                default:
                    return false;
            }
        }
    }

    public IReadOnlyList<ShardEntry> Snapshot()
    {
        lock (_lock)
        {
            return [.. _ids.Select(id => _entries.Get(id, out _)!)];
        }
    }

    /// <summary>The entries with at least one chunk in the extent (a scan: reclamation is rare).</summary>
    public IReadOnlyList<ShardEntry> EntriesIn(uint extentId)
    {
        lock (_lock)
        {
            return [.. _entries.Entries().Where(e => e.Chunks.Any(c => c.ExtentId == extentId))];
        }
    }

    public ShardPage List(string? startAfter, int limit)
    {
        if (limit <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), "limit must be positive");
        }

        lock (_lock)
        {
            if (_ids.Count == 0 || (!string.IsNullOrEmpty(startAfter) && StringComparer.Ordinal.Compare(startAfter, _ids.Max) >= 0))
            {
                return new ShardPage([], false);
            }

            IEnumerable<string> view = string.IsNullOrEmpty(startAfter)
                ? _ids
                : _ids.GetViewBetween(startAfter, _ids.Max!).Where(id => !string.Equals(id, startAfter, StringComparison.Ordinal));
            var page = new List<StoredShard>(Math.Min(limit, _ids.Count));
            foreach (string id in view)
            {
                if (page.Count == limit)
                {
                    return new ShardPage(page, true);
                }

                page.Add(_entries.Get(id, out _)!.Shard);
            }

            return new ShardPage(page, false);
        }
    }

    /// <summary>Adds or overwrites in place: a lock-free reader of an overwritten shard never finds it missing.</summary>
    private void SetLocked(ShardEntry entry)
    {
        if (_entries.Get(entry.Shard.ShardId, out _) is { } old)
        {
            AdjustLocked(old, -1);
        }
        else
        {
            _ids.Add(entry.Shard.ShardId);
        }

        _entries.Set(entry);
        AdjustLocked(entry, +1);
    }

    private bool RemoveLocked(string shardId)
    {
        if (_entries.Remove(shardId) is not { } old)
        {
            return false;
        }

        _ids.Remove(shardId);
        AdjustLocked(old, -1);
        return true;
    }

    private void AdjustLocked(ShardEntry entry, int sign)
    {
        for (int i = 0; i < entry.Chunks.Length; i++)
        {
            uint extent = entry.Chunks[i].ExtentId;
            long live = _liveBytes.GetValueOrDefault(extent) + (sign * entry.FrameBytes(i));
            if (live == 0)
            {
                _liveBytes.Remove(extent);
            }
            else
            {
                _liveBytes[extent] = live;
            }
        }
    }
}

/// <summary>
/// A small one-chunk shard whose data starts on a page boundary and whose CRC32C the index holds (v2): read
/// it whole with one pread of the data alone. <see cref="Length"/> 0 means the shard does not qualify.
/// <see cref="Shard"/> is the entry's metadata, kept here too so that read never loads the entry itself.
/// </summary>
public readonly record struct WholeChunk(uint ExtentId, long DataOffset, int Length, uint Crc, StoredShard? Shard)
{
    public const int MaxBytes = 64 * 1024;

    public static WholeChunk Of(ShardEntry entry) =>
        entry.Chunks.Length == 1 && entry.Crcs is { } crcs && entry.Shard.Length <= MaxBytes && ChunkFormat.AlignsData((int)entry.Shard.Length)
            ? new(entry.Chunks[0].ExtentId, entry.Chunks[0].Offset + entry.HeaderBytes, (int)entry.Shard.Length, crcs[0], entry.Shard)
            : default;
}
