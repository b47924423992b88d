using System.Runtime.InteropServices;

namespace Cairn.EcBench;

/// <summary>CPU time consumed by the calling thread (Linux CLOCK_THREAD_CPUTIME_ID), in nanoseconds.</summary>
internal static partial class ThreadClock
{
    private const int ClockThreadCpuTimeId = 3;

    public static bool TryNow(out long nanoseconds)
    {
        nanoseconds = 0;
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        if (ClockGetTime(ClockThreadCpuTimeId, out TimeSpec ts) != 0)
        {
            return false;
        }

        nanoseconds = (ts.Seconds * 1_000_000_000L) + ts.Nanoseconds;
        return true;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clockId, out TimeSpec ts);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
