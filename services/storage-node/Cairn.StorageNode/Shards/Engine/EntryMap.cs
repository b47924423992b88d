namespace Cairn.StorageNode.Shards.Engine;

/// <summary>
/// Shard id to index entry for <see cref="ShardTable"/>: open addressing with linear probing in one flat array,
/// so a lookup touches one slot (and the id string that confirms it) where a Dictionary touches a bucket, an
/// entry and the id: on the read path every one of those is a cache miss. Readers take no lock: each slot
/// carries a sequence number that a writer makes odd while it changes the slot, and a reader that saw it odd
/// or changed reads the slot again. Writers are serialised by the caller (the table's lock). A removed slot
/// keeps a tombstone, so no probe chain is ever cut under a reader; the array is rebuilt into a new one, swapped
/// in whole, when live slots and tombstones fill three quarters of it. An overwrite changes its slot in place:
/// a reader sees the old entry or the new one, never neither.
/// </summary>
internal sealed class EntryMap
{
    private const int MinCapacity = 16;

    // Compared by reference only: a real shard id may have the same characters.
    private static readonly string Removed = new('\0', 1);

    private Slot[] _slots = new Slot[MinCapacity];
    private int _used; // live slots and tombstones

    public int Count { get; private set; }

    /// <summary>The entry and its whole-read location, or null; safe to call concurrently with one writer.</summary>
    public ShardEntry? Get(string shardId, out WholeChunk whole)
    {
        var slots = Volatile.Read(ref _slots);
        int hash = shardId.GetHashCode(StringComparison.Ordinal);
        int mask = slots.Length - 1;
        for (int i = hash & mask; ; i = (i + 1) & mask)
        {
            ref Slot slot = ref slots[i];
            var spin = default(SpinWait);
            while (true)
            {
                int seq = Volatile.Read(ref slot.Seq);
                if ((seq & 1) != 0)
                {
                    spin.SpinOnce();
                    continue;
                }

                string? key = slot.Key;
                int slotHash = slot.Hash;
                var entry = slot.Entry;
                whole = slot.Whole;
                // The reads above happen before the sequence number is read again (a compiler barrier on x64; a full
                // fence here would wait for the stores of the page copy that preceded the lookup).
                Volatile.ReadBarrier();
                if (Volatile.Read(ref slot.Seq) != seq)
                {
                    continue;
                }

                if (key is null)
                {
                    whole = default;
                    return null; // end of the probe chain
                }

                if (slotHash == hash && !ReferenceEquals(key, Removed) && string.Equals(key, shardId, StringComparison.Ordinal))
                {
                    return entry;
                }

                break;
            }
        }
    }

    /// <summary>Adds or replaces (in place) the entry of its shard id. Callers hold the table's lock.</summary>
    public void Set(ShardEntry entry)
    {
        string shardId = entry.Shard.ShardId;
        int hash = shardId.GetHashCode(StringComparison.Ordinal);
        int at = Find(_slots, shardId, hash, out int free);
        if (at >= 0)
        {
            Write(ref _slots[at], shardId, hash, entry);
            return;
        }

        if (_slots[free].Key is null)
        {
            if ((_used + 1) * 4 > _slots.Length * 3)
            {
                Rebuild(Count + 1);
                Find(_slots, shardId, hash, out free);
            }

            _used++;
        }

        Write(ref _slots[free], shardId, hash, entry);
        Count++;
    }

    /// <summary>Removes the shard id's entry and returns it (null when absent). Callers hold the table's lock.</summary>
    public ShardEntry? Remove(string shardId)
    {
        int at = Find(_slots, shardId, shardId.GetHashCode(StringComparison.Ordinal), out _);
        if (at < 0)
        {
            return null;
        }

        var old = _slots[at].Entry;
        Write(ref _slots[at], Removed, 0, null);
        Count--;
        return old;
    }

    /// <summary>Every live entry, in no order. Callers hold the table's lock.</summary>
    public IEnumerable<ShardEntry> Entries() => _slots.Where(s => s.Entry is not null).Select(s => s.Entry!);

    /// <summary>The slot holding the id, or -1; <paramref name="free"/> is where to add it (first tombstone, else the chain's end).</summary>
    private static int Find(Slot[] slots, string shardId, int hash, out int free)
    {
        int mask = slots.Length - 1;
        free = -1;
        for (int i = hash & mask; ; i = (i + 1) & mask)
        {
            ref Slot slot = ref slots[i];
            if (slot.Key is null)
            {
                free = free < 0 ? i : free;
                return -1;
            }

            if (ReferenceEquals(slot.Key, Removed))
            {
                free = free < 0 ? i : free;
            }
            else if (slot.Hash == hash && string.Equals(slot.Key, shardId, StringComparison.Ordinal))
            {
                return i;
            }
        }
    }

    private static void Write(ref Slot slot, string key, int hash, ShardEntry? entry)
    {
        int seq = slot.Seq;
        Interlocked.Exchange(ref slot.Seq, seq + 1); // odd, and visible before any field changes
        slot.Key = key;
        slot.Hash = hash;
        slot.Entry = entry;
        slot.Whole = entry is null ? default : WholeChunk.Of(entry);
        Volatile.Write(ref slot.Seq, seq + 2); // the fields are visible before it is even again
    }

    /// <summary>Copies the live entries into a new array (no tombstones) with room to grow, then publishes it.</summary>
    private void Rebuild(int live)
    {
        int capacity = MinCapacity;
        while (capacity < live * 2)
        {
            capacity *= 2;
        }

        var fresh = new Slot[capacity];
        foreach (var entry in Entries())
        {
            string id = entry.Shard.ShardId;
            int hash = id.GetHashCode(StringComparison.Ordinal);
            Find(fresh, id, hash, out int free);
            fresh[free] = new Slot { Key = id, Hash = hash, Entry = entry, Whole = WholeChunk.Of(entry) };
        }

        _used = Count;
        Volatile.Write(ref _slots, fresh); // readers still in the old array see it as it was: nothing writes it any more
    }

    private struct Slot
    {
        public int Seq;
        public int Hash;
        public string? Key; // null: never used (ends a probe chain); Removed: a tombstone
        public ShardEntry? Entry;
        public WholeChunk Whole;
    }
}
