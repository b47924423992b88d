namespace Cairn.BackgroundOps.Gc;

/// <summary>
/// When reconciliation first saw each unreferenced shard. A shard is deleted only after it has stayed
/// unreferenced for a whole grace period of observation: its creation time is when its write began, so a PUT
/// that took longer than the grace period would otherwise look like old garbage in the instant between its
/// shards becoming durable and its namespace commit. In memory on purpose: a restart forgets and so only delays.
/// </summary>
public sealed class SuspectLedger
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Disk, string Shard), DateTimeOffset> _firstSeen = [];

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _firstSeen.Count;
            }
        }
    }

    /// <summary>Records the shard as unreferenced (if not yet) and returns when it was first seen so.</summary>
    public DateTimeOffset MarkUnreferenced(string diskId, string shardId, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (!_firstSeen.TryGetValue((diskId, shardId), out var first))
            {
                first = now;
                _firstSeen[(diskId, shardId)] = now;
            }

            return first;
        }
    }

    public void Clear(string diskId, string shardId)
    {
        lock (_lock)
        {
            _firstSeen.Remove((diskId, shardId));
        }
    }

    /// <summary>After a full scan of a disk, forgets its suspects that were not seen again (deleted elsewhere, or referenced).</summary>
    public void RetainOnly(string diskId, IReadOnlySet<string> stillSuspect)
    {
        lock (_lock)
        {
            foreach (var key in _firstSeen.Keys.Where(k => k.Disk == diskId && !stillSuspect.Contains(k.Shard)).ToList())
            {
                _firstSeen.Remove(key);
            }
        }
    }
}
