namespace Cairn.Frontend.DataPath.Steering;

/// <summary>One shard of a stripe as read steering sees it.</summary>
/// <param name="Index">Shard index: 0..k-1 data, k..k+m-1 parity.</param>
/// <param name="Heat">Time-decayed operations per second on its disk (0 when unknown).</param>
/// <param name="Active">Its disk is registered and active; other disks may still answer, so they rank last.</param>
/// <param name="Slow">Its disk's recent reads are far slower than the others' (<see cref="DiskLatencies.IsSlow"/>).</param>
public readonly record struct ShardCandidate(int Index, double Heat, bool Active, bool Slow = false);

/// <summary>
/// Read steering: orders the k+m shards of an erasure-coded payload by preference. A read uses the first k
/// and falls back on the rest in order. The score is the disk's heat, plus a penalty for parity shards (reading
/// one means decoding), so when every disk is cool the k data shards come first and no decode is needed; a data
/// shard is passed over only when its disk is hotter than a parity disk by more than the penalty. A slow disk
/// ranks after every fast one (a decode costs far less than waiting for it), before inactive ones.
/// </summary>
public static class ShardRanking
{
    private const double InactivePenalty = 1e12;
    private const double SlowPenalty = 1e9;

    public static int[] Rank(IReadOnlyList<ShardCandidate> shards, int dataShards, double parityPenalty, bool steer) =>
        shards
            .OrderBy(s => (s.Active ? 0 : InactivePenalty)
                + (steer ? (s.Slow ? SlowPenalty : 0) + s.Heat + (s.Index >= dataShards ? Math.Max(0, parityPenalty) : 0) : 0))
            // Ties (and every shard when steering is off): data before parity, then by index.
            .ThenBy(s => s.Index >= dataShards)
            .ThenBy(s => s.Index)
            .Select(s => s.Index)
            .ToArray();
}
