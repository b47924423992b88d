namespace Cairn.Placement.Choice;

/// <summary>
/// Chooses the disks of one shard set. Pure: it sees a snapshot of the inventory and a random source, so tests
/// seed the random source and replay exactly.
/// Rules, in order: only ACTIVE, non-excluded disks with room; never two shards in one failure domain of the
/// strictest level that has enough domains (zone, rack, node, else disk), spreading evenly over the coarser
/// levels; among those, weighted by free space; between two such draws, the cooler disk (power of two choices).
/// </summary>
public sealed class ShardSetChooser(ChooserOptions options, Random random)
{
    private readonly Lock _randomLock = new();

    public ShardSetChooser()
        : this(new ChooserOptions(), Random.Shared)
    {
    }

    public ChooserOptions Options => options;

    public IReadOnlyList<PlacementCandidate> Choose(IReadOnlyList<PlacementCandidate> disks, ShardSetRequest request)
    {
        ArgumentNullException.ThrowIfNull(disks);
        ArgumentNullException.ThrowIfNull(request);
        if (request.Count <= 0 || request.Count > 255)
        {
            throw new PlacementException(PlacementFailure.InvalidRequest, $"shard count must be 1..255, got {request.Count}");
        }

        var eligible = Eligible(disks, request);
        var hardLevel = FailureDomains.StrictestFeasible(eligible, request.Count);
        var remaining = new List<PlacementCandidate>(eligible);
        var uses = new DomainUses();
        var chosen = new List<PlacementCandidate>(request.Count);
        while (chosen.Count < request.Count)
        {
            var pool = LeastUsedPool(remaining, uses, hardLevel);
            var pick = PickCooler(pool);
            chosen.Add(pick);
            remaining.Remove(pick);
            uses.Add(pick);
        }

        return chosen;
    }

    private List<PlacementCandidate> Eligible(IReadOnlyList<PlacementCandidate> disks, ShardSetRequest request)
    {
        var excluded = new HashSet<string>(request.ExcludeDiskIds, StringComparer.Ordinal);
        var up = disks.Where(d => d.Health == DiskHealth.Active && !excluded.Contains(d.DiskId)).ToList();
        if (up.Count < request.Count)
        {
            var byHealth = string.Join(", ", disks.GroupBy(d => d.Health).OrderBy(g => g.Key)
                .Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}"));
            throw new PlacementException(
                PlacementFailure.NotEnoughDisks,
                $"need {request.Count} disks but only {up.Count} are active and not excluded " +
                $"(known: {disks.Count} [{byHealth}], excluded by request: {excluded.Count})");
        }

        var needed = request.ShardSizeHint + options.ReserveBytes;
        var roomy = up.Where(d => d.FreeBytes >= needed).ToList();
        if (roomy.Count < request.Count)
        {
            throw new PlacementException(
                PlacementFailure.NotEnoughSpace,
                $"need {request.Count} disks with {needed} free bytes (shard {request.ShardSizeHint} + reserve " +
                $"{options.ReserveBytes}) but only {roomy.Count} of {up.Count} active disks have room");
        }

        return roomy;
    }

    /// <summary>
    /// Candidates whose hard-level domain is still unused, narrowed to those least used at the coarser levels
    /// (zone, then rack, then node), so a set that cannot have distinct zones still spreads as evenly as it can.
    /// </summary>
    private static List<PlacementCandidate> LeastUsedPool(
        List<PlacementCandidate> remaining, DomainUses uses, FailureDomainLevel hardLevel)
    {
        var pool = remaining.Where(d => uses.Count(d, hardLevel) == 0).ToList();
        foreach (var level in new[] { FailureDomainLevel.Zone, FailureDomainLevel.Rack, FailureDomainLevel.Node })
        {
            if (level >= hardLevel)
            {
                break;
            }

            var least = pool.Min(d => uses.Count(d, level));
            pool.RemoveAll(d => uses.Count(d, level) != least);
        }

        return pool;
    }

    private PlacementCandidate PickCooler(List<PlacementCandidate> pool)
    {
        var first = PickWeighted(pool);
        var second = PickWeighted(pool);
        return IsClearlyCooler(second, first) ? second : first;
    }

    private bool IsClearlyCooler(PlacementCandidate candidate, PlacementCandidate than)
    {
        if (candidate.Hot != than.Hot)
        {
            return !candidate.Hot;
        }

        return candidate.Heat * (1 + options.HeatTolerance) + options.HeatFloor < than.Heat;
    }

    private PlacementCandidate PickWeighted(List<PlacementCandidate> pool)
    {
        // Weight by free space so emptier disks fill faster and the fleet converges to even fill.
        double total = 0;
        foreach (var d in pool)
        {
            total += Weight(d);
        }

        double point;
        lock (_randomLock)
        {
            point = random.NextDouble() * total;
        }

        foreach (var d in pool)
        {
            point -= Weight(d);
            if (point < 0)
            {
                return d;
            }
        }

        return pool[^1];
    }

    private static double Weight(PlacementCandidate disk) => Math.Max(disk.FreeBytes, 1UL);

    private sealed class DomainUses
    {
        private readonly Dictionary<string, int>[] _byLevel =
            [new(StringComparer.Ordinal), new(StringComparer.Ordinal), new(StringComparer.Ordinal), new(StringComparer.Ordinal)];

        public int Count(PlacementCandidate disk, FailureDomainLevel level) =>
            _byLevel[(int)level].GetValueOrDefault(FailureDomains.KeyOf(disk, level));

        public void Add(PlacementCandidate disk)
        {
            foreach (var level in Enum.GetValues<FailureDomainLevel>())
            {
                var key = FailureDomains.KeyOf(disk, level);
                var map = _byLevel[(int)level];
                map[key] = map.GetValueOrDefault(key) + 1;
            }
        }
    }
}
