using System.Diagnostics;

namespace Cairn.EngineBench;

/// <summary>
/// Times two workloads in alternating small slices and keeps each one's time apart, so a machine whose
/// load changes by the second (other builds, other tests) slows both sides alike instead of skewing the ratio.
/// </summary>
internal sealed class Interleaved
{
    private long _oursTicks, _rawTicks;

    public double OursSeconds => _oursTicks / (double)Stopwatch.Frequency;

    public double RawSeconds => _rawTicks / (double)Stopwatch.Frequency;

    public async Task OursAsync(Func<Task> slice)
    {
        long start = Stopwatch.GetTimestamp();
        await slice();
        _oursTicks += Stopwatch.GetTimestamp() - start;
    }

    public void Raw(Action slice)
    {
        long start = Stopwatch.GetTimestamp();
        slice();
        _rawTicks += Stopwatch.GetTimestamp() - start;
    }
}
