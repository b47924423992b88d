namespace Cairn.StorageNode.Disks;

/// <summary>
/// The last <see cref="Capacity"/> latencies of one kind of operation on one disk, for p50/p99. A ring,
/// not a histogram: heat reacts to what a disk does now, not to its lifetime average.
/// </summary>
internal sealed class LatencyRecorder
{
    public const int Capacity = 1024;
    private readonly Lock _lock = new();
    private readonly double[] _samples = new double[Capacity];
    private long _count;

    public void Record(double milliseconds)
    {
        lock (_lock)
        {
            _samples[_count % Capacity] = milliseconds;
            _count++;
        }
    }

    /// <summary>The q-quantile (0..1) of the recent samples; 0 when there are none.</summary>
    public double Percentile(double q)
    {
        double[] copy;
        lock (_lock)
        {
            int n = (int)Math.Min(_count, Capacity);
            if (n == 0)
            {
                return 0;
            }

            copy = _samples[..n];
        }

        Array.Sort(copy);
        int index = (int)Math.Ceiling(q * copy.Length) - 1;
        return copy[Math.Clamp(index, 0, copy.Length - 1)];
    }
}
