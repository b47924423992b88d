using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Cairn.Frontend.DataPath.Steering;

/// <summary>
/// What this frontend has seen of each disk's block-read latency, and the two decisions made from it:
/// <list type="bullet">
/// <item>the hedge delay: how long a read may take before a spare shard is read alongside it. It is the p95 of the
/// disk class (the median over disks of each disk's own p95), never below a floor, so one slow disk cannot teach
/// the threshold that slow is normal, as a per-disk p95 would;</item>
/// <item>the slow verdict: a disk whose recent median is well above the class median (<see cref="IsSlow"/>) is read
/// around from the start (steering), not waited on and hedged on every read. Probes (<see cref="TryClaimProbe"/>) keep
/// reading it now and then off the critical path, so the verdict follows the disk; it also expires when the disk has
/// not been read for a while (no traffic, no probes), so a recovered disk is tried again.</item>
/// </list>
/// Reads that lost a hedge race are recorded with the time they had taken when abandoned (a lower bound).
/// </summary>
public sealed class DiskLatencies(IOptions<FrontendOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, LatencyWindow> _disks = new(StringComparer.Ordinal);
    private readonly Lock _classLock = new();
    private long _classComputedAt = -1;
    private (double MedianP95, double MedianOfMedians) _class;
    private long _samples;

    public void Record(string diskId, TimeSpan elapsed)
    {
        _disks.GetOrAdd(diskId, _ => new LatencyWindow()).Add(elapsed.TotalMilliseconds, time.GetTimestamp());
        Interlocked.Increment(ref _samples);
    }

    /// <summary>
    /// True at most once per <see cref="ReadSteeringOptions.SlowProbeSeconds"/> for a disk judged slow: the caller then
    /// reads one block of it that nobody waits for and records how long it took.
    /// </summary>
    public bool TryClaimProbe(string diskId)
    {
        var every = options.Value.ReadSteering.SlowProbeSeconds;
        if (every <= 0 || !IsSlow(diskId) || !_disks.TryGetValue(diskId, out var window))
        {
            return false;
        }

        var now = time.GetTimestamp();
        var last = window.LastProbeAt;
        return (last == LatencyWindow.NeverProbed || time.GetElapsedTime(last, now) >= TimeSpan.FromSeconds(every)) && window.TryClaimProbe(last, now);
    }

    public TimeSpan HedgeDelay(string diskId)
    {
        var settings = options.Value.ReadSteering;
        var (classP95, _) = ClassFigures();
        return TimeSpan.FromMilliseconds(double.IsNaN(classP95)
            ? Math.Max(settings.HedgeInitialMs, settings.HedgeFloorMs)
            : Math.Max(settings.HedgeFloorMs, classP95));
    }

    /// <summary>
    /// Recently read, enough samples, and a median both <see cref="ReadSteeringOptions.SlowFactor"/> times the class's
    /// and <see cref="ReadSteeringOptions.SlowMarginMs"/> above it: under load every disk's latency grows with the
    /// queueing in front of it, so a ratio alone would call noise slow, and a margin alone would miss a slow disk
    /// among fast ones.
    /// </summary>
    public bool IsSlow(string diskId)
    {
        var settings = options.Value.ReadSteering;
        if (!_disks.TryGetValue(diskId, out var window) || window.Count < settings.HedgeMinSamples
            || time.GetElapsedTime(window.LastAt) > TimeSpan.FromSeconds(settings.SlowVerdictSeconds))
        {
            return false;
        }

        var (_, classMedian) = ClassFigures();
        var median = window.Percentile(0.5);
        return !double.IsNaN(classMedian) && median > settings.SlowFactor * classMedian && median - classMedian > settings.SlowMarginMs;
    }

    /// <summary>Median over disks with enough samples of their p95 and of their median; recomputed every few samples.</summary>
    private (double MedianP95, double MedianOfMedians) ClassFigures()
    {
        var settings = options.Value.ReadSteering;
        lock (_classLock)
        {
            var samples = Interlocked.Read(ref _samples);
            if (_classComputedAt >= 0 && samples - _classComputedAt < 16)
            {
                return _class;
            }

            var known = _disks.Values.Where(w => w.Count >= settings.HedgeMinSamples).ToList();
            _class = known.Count == 0
                ? (double.NaN, double.NaN)
                : (Median(known.Select(w => w.Percentile(settings.HedgePercentile))), Median(known.Select(w => w.Percentile(0.5))));
            _classComputedAt = samples;
            return _class;
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>The last <see cref="Size"/> samples of one disk; percentiles are cached until a few more arrive.</summary>
    private sealed class LatencyWindow
    {
        private const int Size = 128;
        private const int RecomputeEvery = 8;
        private readonly double[] _samples = new double[Size];
        private readonly Lock _lock = new();
        private readonly Dictionary<double, (long At, double Value)> _cached = [];
        private long _count;
        private long _lastAt;
        private long _lastProbeAt = NeverProbed;

        public long Count => Interlocked.Read(ref _count);

        public long LastAt => Interlocked.Read(ref _lastAt);

        public const long NeverProbed = long.MinValue;

        public long LastProbeAt => Interlocked.Read(ref _lastProbeAt);

        /// <summary>One caller wins per interval: the claim moves the probe time from what it read.</summary>
        public bool TryClaimProbe(long seen, long now) => Interlocked.CompareExchange(ref _lastProbeAt, now, seen) == seen;

        public void Add(double ms, long timestamp)
        {
            lock (_lock)
            {
                _samples[_count % Size] = ms;
                _count++;
                _lastAt = timestamp;
            }
        }

        public double Percentile(double q)
        {
            lock (_lock)
            {
                if (_cached.TryGetValue(q, out var hit) && _count - hit.At < RecomputeEvery)
                {
                    return hit.Value;
                }

                var n = (int)Math.Min(_count, Size);
                Span<double> sorted = stackalloc double[n];
                _samples.AsSpan(0, n).CopyTo(sorted);
                sorted.Sort();
                var value = sorted[Math.Clamp((int)Math.Ceiling(q * n) - 1, 0, n - 1)];
                _cached[q] = (_count, value);
                return value;
            }
        }
    }
}
