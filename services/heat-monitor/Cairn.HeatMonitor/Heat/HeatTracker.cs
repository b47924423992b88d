namespace Cairn.HeatMonitor.Heat;

/// <summary>
/// Per-disk heat over time: decayed ops/s (the heat), read and write ops/s, bytes/s, the latest p99 and queue
/// depth, and whether the disk is hot relative to the fleet. Watchers wait on <see cref="Changed"/>.
/// </summary>
public sealed class HeatTracker(HeatOptions options, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, DiskHeat> _disks = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HeatOptions Options => options;

    /// <summary>Completes at the next change; take it before reading a snapshot so no change is missed.</summary>
    public Task Changed
    {
        get
        {
            lock (_lock)
            {
                return _changed.Task;
            }
        }
    }

    /// <summary>Folds samples in and re-evaluates hotness; returns the disks that turned hot or cooled.</summary>
    public IReadOnlyList<HotTransition> Record(IEnumerable<HeatSample> samples)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            foreach (var s in samples)
            {
                if (!_disks.TryGetValue(s.DiskId, out var disk))
                {
                    disk = new DiskHeat(options.HalfLife);
                    _disks[s.DiskId] = disk;
                }

                disk.Add(s, now);
            }

            var transitions = EvaluateLocked(now);
            SignalLocked();
            return transitions;
        }
    }

    /// <summary>Re-evaluates hotness as time passes (heat decays without samples, so disks cool by themselves).</summary>
    public IReadOnlyList<HotTransition> Evaluate()
    {
        lock (_lock)
        {
            var transitions = EvaluateLocked(time.GetUtcNow());
            if (transitions.Count > 0)
            {
                SignalLocked();
            }

            return transitions;
        }
    }

    public HeatSnapshot Snapshot()
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            var views = _disks
                .Select(kv => kv.Value.View(kv.Key, now))
                .OrderBy(v => v.DiskId, StringComparer.Ordinal)
                .ToList();
            return new HeatSnapshot(views, ThresholdOf(views.Select(v => v.Heat)), now.ToUnixTimeMilliseconds());
        }
    }

    /// <summary>Hot means above max(floor, factor x median heat): hot relative to the fleet and hot in absolute terms.</summary>
    public double ThresholdOf(IEnumerable<double> heats)
    {
        var sorted = heats.Order().ToArray();
        var median = sorted.Length == 0
            ? 0
            : sorted.Length % 2 == 1
                ? sorted[sorted.Length / 2]
                : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        return Math.Max(options.HotFloor, options.HotFactor * median);
    }

    private List<HotTransition> EvaluateLocked(DateTimeOffset now)
    {
        var heats = _disks.ToDictionary(kv => kv.Key, kv => kv.Value.Ops.RateAt(now), StringComparer.Ordinal);
        var threshold = ThresholdOf(heats.Values);
        var transitions = new List<HotTransition>();
        foreach (var (id, disk) in _disks)
        {
            var heat = heats[id];
            var hot = disk.Hot ? heat >= threshold * options.CoolRatio : heat > threshold;
            if (hot != disk.Hot)
            {
                disk.Hot = hot;
                transitions.Add(new HotTransition(id, hot, heat));
            }
        }

        return transitions;
    }

    private void SignalLocked()
    {
        var previous = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        previous.TrySetResult();
    }

    private sealed class DiskHeat(TimeSpan halfLife)
    {
        public DecayingRate Ops { get; } = new(halfLife);

        public DecayingRate Reads { get; } = new(halfLife);

        public DecayingRate Writes { get; } = new(halfLife);

        public DecayingRate Bytes { get; } = new(halfLife);

        public string NodeId { get; private set; } = "";

        public double LatencyP99Ms { get; private set; }

        public uint QueueDepth { get; private set; }

        public bool Hot { get; set; }

        public DateTimeOffset UpdatedAt { get; private set; }

        public void Add(HeatSample s, DateTimeOffset now)
        {
            Ops.Add(s.Reads + s.Writes, s.Window, now);
            Reads.Add(s.Reads, s.Window, now);
            Writes.Add(s.Writes, s.Window, now);
            Bytes.Add(s.BytesRead + s.BytesWritten, s.Window, now);
            NodeId = s.NodeId;
            LatencyP99Ms = s.LatencyP99Ms;
            QueueDepth = s.QueueDepth;
            UpdatedAt = now;
        }

        public DiskHeatView View(string diskId, DateTimeOffset now) => new(
            diskId,
            NodeId,
            Ops.RateAt(now),
            Reads.RateAt(now),
            Writes.RateAt(now),
            Bytes.RateAt(now),
            LatencyP99Ms,
            QueueDepth,
            Hot,
            UpdatedAt.ToUnixTimeMilliseconds());
    }
}
