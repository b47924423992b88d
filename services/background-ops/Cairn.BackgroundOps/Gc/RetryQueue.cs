namespace Cairn.BackgroundOps.Gc;

/// <summary>A shard delete that failed, waiting for its next attempt.</summary>
public sealed record PendingDelete(string DiskId, string ShardId, int Attempts, DateTimeOffset NextAttemptAt, string LastError);

/// <summary>
/// Failed deletes, keyed by (disk, shard) so a redelivered event never queues the same delete twice, retried
/// with exponential backoff. Bounded: past <see cref="Capacity"/> new failures are dropped, which is safe because
/// reconciliation finds every unreferenced shard anyway; the queue only makes collection prompt.
/// </summary>
public sealed class RetryQueue(TimeProvider time, int capacity = 1_000_000)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(5);
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Disk, string Shard), PendingDelete> _pending = [];

    public int Capacity => capacity;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
            }
        }
    }

    public IReadOnlyList<PendingDelete> Snapshot()
    {
        lock (_lock)
        {
            return _pending.Values.OrderBy(p => p.NextAttemptAt).ToList();
        }
    }

    /// <summary>Records one more failed attempt; false when the queue is full and the delete was dropped.</summary>
    public bool Failed(string diskId, string shardId, int previousAttempts, string error)
    {
        var attempts = previousAttempts + 1;
        var backoff = TimeSpan.FromSeconds(Math.Min(Math.Pow(2, attempts), MaxBackoff.TotalSeconds));
        lock (_lock)
        {
            if (_pending.Count >= capacity && !_pending.ContainsKey((diskId, shardId)))
            {
                return false;
            }

            _pending[(diskId, shardId)] = new PendingDelete(diskId, shardId, attempts, time.GetUtcNow() + backoff, error);
            return true;
        }
    }

    /// <summary>Removes and returns every delete whose next attempt is due.</summary>
    public IReadOnlyList<PendingDelete> TakeDue()
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            var due = _pending.Values.Where(p => p.NextAttemptAt <= now).ToList();
            foreach (var p in due)
            {
                _pending.Remove((p.DiskId, p.ShardId));
            }

            return due;
        }
    }

    /// <summary>A delete that succeeded through another path (say reconciliation) needs no retry.</summary>
    public void Forget(string diskId, string shardId)
    {
        lock (_lock)
        {
            _pending.Remove((diskId, shardId));
        }
    }
}
