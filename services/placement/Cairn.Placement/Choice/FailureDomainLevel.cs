namespace Cairn.Placement.Choice;

/// <summary>Failure domains from coarsest to finest. A shard set is spread over distinct domains of one level.</summary>
public enum FailureDomainLevel
{
    Zone,
    Rack,
    Node,
    Disk,
}

internal static class FailureDomains
{
    public static string KeyOf(PlacementCandidate disk, FailureDomainLevel level) => level switch
    {
        FailureDomainLevel.Zone => disk.Zone,
        // A rack name is only unique within its zone.
        FailureDomainLevel.Rack => disk.Zone + "\u0000" + disk.Rack,
        FailureDomainLevel.Node => disk.NodeId,
        _ => disk.DiskId,
    };

    /// <summary>
    /// The coarsest level with at least <paramref name="count"/> distinct domains: shards spread over it lose at
    /// most one shard per domain failure. Unlabelled zones/racks form a single domain, so they never qualify.
    /// </summary>
    public static FailureDomainLevel StrictestFeasible(IReadOnlyList<PlacementCandidate> disks, int count)
    {
        foreach (var level in new[] { FailureDomainLevel.Zone, FailureDomainLevel.Rack, FailureDomainLevel.Node })
        {
            if (disks.Select(d => KeyOf(d, level)).Distinct(StringComparer.Ordinal).Count() >= count)
            {
                return level;
            }
        }

        return FailureDomainLevel.Disk;
    }
}
