using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Cairn.Frontend.DataPath.Steering;

/// <summary>
/// The hedge decision: a running window of block-read latencies per disk, and from it how long a read on that
/// disk may take before a spare shard is read alongside it (its p95, never below a floor; a fixed initial
/// delay until the disk has enough samples). Adaptive per disk, so a disk that is always a little slower than
/// the others is not hedged on every read, while a read far outside the disk's own normal is.
/// </summary>
public sealed class DiskLatencies(IOptions<FrontendOptions> options)
{
    private readonly ConcurrentDictionary<string, LatencyWindow> _disks = new(StringComparer.Ordinal);

    public void Record(string diskId, TimeSpan elapsed) =>
        _disks.GetOrAdd(diskId, _ => new LatencyWindow()).Add(elapsed.TotalMilliseconds);

    public TimeSpan HedgeDelay(string diskId)
    {
        var settings = options.Value.ReadSteering;
        if (!_disks.TryGetValue(diskId, out var window) || window.Count < settings.HedgeMinSamples)
        {
            return TimeSpan.FromMilliseconds(Math.Max(settings.HedgeInitialMs, settings.HedgeFloorMs));
        }
        return TimeSpan.FromMilliseconds(Math.Max(settings.HedgeFloorMs, window.Percentile(settings.HedgePercentile)));
    }

    /// <summary>The last <see cref="Size"/> samples; the percentile is recomputed every few samples, not per call.</summary>
    private sealed class LatencyWindow
    {
        private const int Size = 128;
        private const int RecomputeEvery = 8;
        private readonly double[] _samples = new double[Size];
        private readonly Lock _lock = new();
        private long _count;
        private long _computedAt = -1;
        private double _computedQ = double.NaN;
        private double _value;

        public long Count => Interlocked.Read(ref _count);

        public void Add(double ms)
        {
            lock (_lock)
            {
                _samples[_count % Size] = ms;
                _count++;
            }
        }

        public double Percentile(double q)
        {
            lock (_lock)
            {
                if (_computedAt >= 0 && _count - _computedAt < RecomputeEvery && _computedQ == q)
                {
                    return _value;
                }
                var n = (int)Math.Min(_count, Size);
                Span<double> sorted = stackalloc double[n];
                _samples.AsSpan(0, n).CopyTo(sorted);
                sorted.Sort();
                _value = sorted[Math.Clamp((int)Math.Ceiling(q * n) - 1, 0, n - 1)];
                _computedAt = _count;
                _computedQ = q;
                return _value;
            }
        }
    }
}
