namespace StorageNode.Tests;

/// <summary>
/// The executable specification of a disk's shard store: a dictionary of shard id to bytes, plus the
/// crash rule. Every acknowledged put or delete survives a crash; an operation the crash cut short (not
/// acknowledged) is "in doubt": afterwards its shard holds either the old state or the new one, wholly.
/// Reclamation, restarts and crashes with nothing in flight change nothing.
/// </summary>
public sealed class ShardStoreModel
{
    private readonly SortedDictionary<string, byte[]> _shards = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<byte[]?>> _inDoubt = new(StringComparer.Ordinal);

    public IEnumerable<string> Ids => _shards.Keys;

    public int Count => _shards.Count;

    public byte[]? Get(string id) => _shards.GetValueOrDefault(id);

    public void Put(string id, byte[] data) => _shards[id] = data;

    public bool Delete(string id) => _shards.Remove(id);

    /// <summary>Ids strictly after <paramref name="startAfter"/> in ordinal order, at most <paramref name="limit"/>, and whether more follow.</summary>
    public (IReadOnlyList<string> Ids, bool Truncated) List(string? startAfter, int limit)
    {
        var after = _shards.Keys.Where(k => startAfter is null || string.CompareOrdinal(k, startAfter) > 0).ToList();
        return (after.Take(limit).ToList(), after.Count > limit);
    }

    /// <summary>A put (data) or delete (null) of <paramref name="id"/> was cut short by a crash.</summary>
    public void InDoubt(string id, byte[]? outcome)
    {
        if (!_inDoubt.TryGetValue(id, out var outcomes))
        {
            _inDoubt[id] = outcomes = [Get(id)];
        }

        outcomes.Add(outcome);
    }

    /// <summary>
    /// After the restart that follows a crash: every in-doubt shard must be one of its allowed states, wholly;
    /// the model then adopts what the store shows. Returns a complaint, or null when the store is allowed.
    /// </summary>
    public string? Resolve(Func<string, byte[]?> observe)
    {
        foreach (var (id, outcomes) in _inDoubt)
        {
            byte[]? seen = observe(id);
            if (!outcomes.Any(o => o is null ? seen is null : seen is not null && o.AsSpan().SequenceEqual(seen)))
            {
                return $"shard '{id}' is {(seen is null ? "absent" : $"{seen.Length} bytes")}, which no allowed outcome of the crash explains";
            }

            if (seen is null)
            {
                _shards.Remove(id);
            }
            else
            {
                _shards[id] = seen;
            }
        }

        _inDoubt.Clear();
        return null;
    }
}
