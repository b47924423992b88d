using System.Globalization;
using System.Text.Json;

namespace Cairn.Bench;

/// <summary>Prints the result table and writes the JSON file.</summary>
public static class Report
{
    public sealed record Row(string Target, string Op, long Size, int Concurrency, long Count, long Errors, double OpsPerSec, double MiBPerSec, double P50Ms, double P90Ms, double P99Ms);

    /// <summary>Ours against a yardstick in the same run: above 1 means Cairn is faster.</summary>
    public sealed record Ratio(string Op, double Ours, double Theirs, double Value);

    public static Row ToRow(string target, OpStats s, long size, int concurrency, TimeSpan elapsed) => new(
        target, s.Name, size, concurrency, s.Count, s.Errors,
        s.Count / elapsed.TotalSeconds, s.Bytes / elapsed.TotalSeconds / 1048576.0,
        s.Percentile(50), s.Percentile(90), s.Percentile(99));

    public static void PrintTable(IEnumerable<Row> rows)
    {
        var ci = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Format(ci, "{0,-10} {1,-6} {2,10} {3,4} {4,9} {5,6} {6,10} {7,10} {8,9} {9,9} {10,9}",
            "target", "op", "size", "c", "count", "errors", "ops/s", "MiB/s", "p50 ms", "p90 ms", "p99 ms"));
        foreach (var r in rows)
        {
            Console.WriteLine(string.Format(ci, "{0,-10} {1,-6} {2,10} {3,4} {4,9} {5,6} {6,10:F1} {7,10:F1} {8,9:F2} {9,9:F2} {10,9:F2}",
                r.Target, r.Op, Size(r.Size), r.Concurrency, r.Count, r.Errors, r.OpsPerSec, r.MiBPerSec, r.P50Ms, r.P90Ms, r.P99Ms));
        }
    }

    public static void WriteJson(string path, object result)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"results written to {path}");
    }

    public static string Size(long bytes) => bytes switch
    {
        >= 1 << 30 when bytes % (1 << 30) == 0 => $"{bytes >> 30}GiB",
        >= 1 << 20 when bytes % (1 << 20) == 0 => $"{bytes >> 20}MiB",
        >= 1 << 10 when bytes % (1 << 10) == 0 => $"{bytes >> 10}KiB",
        _ => $"{bytes}B",
    };

    public static long ParseSize(string s)
    {
        s = s.Trim();
        var units = new (string Suffix, long Factor)[] { ("GiB", 1L << 30), ("MiB", 1L << 20), ("KiB", 1L << 10), ("GB", 1_000_000_000), ("MB", 1_000_000), ("KB", 1000), ("B", 1) };
        foreach (var (suffix, factor) in units)
        {
            if (s.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return (long)(double.Parse(s[..^suffix.Length], CultureInfo.InvariantCulture) * factor);
            }
        }

        return long.Parse(s, CultureInfo.InvariantCulture);
    }
}
