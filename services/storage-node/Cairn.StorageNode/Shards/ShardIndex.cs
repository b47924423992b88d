namespace Cairn.StorageNode.Shards;

/// <summary>
/// In-memory view of the shards on one disk, in ordinal id order, with their file sizes. It is derived
/// state (rebuilt from the files at start), so it never needs to be made durable itself.
/// </summary>
internal sealed class ShardIndex
{
    private readonly Lock _lock = new();
    private readonly SortedSet<string> _ids = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (StoredShard Shard, long FileBytes)> _entries = new(StringComparer.Ordinal);
    private long _usedBytes;

    public long UsedBytes => Interlocked.Read(ref _usedBytes);

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

    public void Put(StoredShard shard, long fileBytes)
    {
        lock (_lock)
        {
            if (_entries.Remove(shard.ShardId, out var old))
            {
                _usedBytes -= old.FileBytes;
            }

            _entries[shard.ShardId] = (shard, fileBytes);
            _ids.Add(shard.ShardId);
            _usedBytes += fileBytes;
        }
    }

    public void Remove(string shardId)
    {
        lock (_lock)
        {
            if (_entries.Remove(shardId, out var old))
            {
                _ids.Remove(shardId);
                _usedBytes -= old.FileBytes;
            }
        }
    }

    public IReadOnlyList<string> Ids()
    {
        lock (_lock)
        {
            return [.. _ids];
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
            if (_ids.Count == 0)
            {
                return new ShardPage([], false);
            }

            IEnumerable<string> view = _ids;
            if (!string.IsNullOrEmpty(startAfter))
            {
                if (StringComparer.Ordinal.Compare(startAfter, _ids.Max) >= 0)
                {
                    return new ShardPage([], false);
                }

                view = _ids.GetViewBetween(startAfter, _ids.Max!).Where(id => !string.Equals(id, startAfter, StringComparison.Ordinal));
            }

            var page = new List<StoredShard>(Math.Min(limit, _ids.Count));
            bool truncated = false;
            foreach (string id in view)
            {
                if (page.Count == limit)
                {
                    truncated = true;
                    break;
                }

                page.Add(_entries[id].Shard);
            }

            return new ShardPage(page, truncated);
        }
    }
}
