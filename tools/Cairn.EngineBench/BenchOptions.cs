namespace Cairn.EngineBench;

public sealed record BenchOptions
{
    /// <summary>Where the data goes: must be the disk under test (not tmpfs, where fsync is free).</summary>
    public string Directory { get; init; } = Path.GetTempPath();

    public string JsonPath { get; init; } = "bench-results/engine.json";

    public int Rounds { get; init; } = 5;

    public int WriteMiB { get; init; } = 128;

    public int ReadShards { get; init; } = 16_384;

    public double ReadSeconds { get; init; } = 2;

    public int Writers { get; init; } = 16;

    /// <summary>Runs only the named workloads (seqwrite, randread, put); empty: all of them.</summary>
    public IReadOnlySet<string> Only { get; init; } = new HashSet<string>();

    public bool Runs(string workload) => Only.Count == 0 || Only.Contains(workload);
}

/// <summary>One measured line: ours against the yardstick, per round, medians compared.</summary>
public sealed record Comparison(string Name, string Unit, IReadOnlyList<double> Ours, IReadOnlyList<double>? Raw, string Note)
{
    public double OursMedian => Median(Ours);

    public double? RawMedian => Raw is null ? null : Median(Raw);

    public double? Ratio => RawMedian is { } raw && raw > 0 ? OursMedian / raw : null;

    public string Line() => Raw is null
        ? $"engine {Name} ours={Format(OursMedian)} {Unit} ({Note})"
        : $"engine {Name} ours={Format(OursMedian)} raw={Format(RawMedian!.Value)} ratio={Ratio:0.00} {Unit} ({Note})";

    private static string Format(double value) => value.ToString(value >= 100 ? "0" : "0.0", System.Globalization.CultureInfo.InvariantCulture);

    private static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
