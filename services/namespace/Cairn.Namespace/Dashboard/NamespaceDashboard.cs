using System.Globalization;
using Cairn.Namespace.Domain;
using Cairn.Namespace.Telemetry;
using Cairn.ServiceDefaults.Dashboard;

namespace Cairn.Namespace.Dashboard;

/// <summary>Sizes of the namespace and operation rates (counts since start over uptime, and the last interval).</summary>
public sealed class NamespaceDashboard(NamespaceService service, NamespaceMetrics metrics, TimeProvider time) : IDashboardSource, IDashboardSampler
{
    private readonly DashboardHistory _history = new(capacity: 300);
    private (DateTimeOffset At, long Total)? _sampled;

    private readonly DateTimeOffset _started = time.GetUtcNow();
    private readonly Lock _gate = new();
    private Dictionary<string, long> _previous = [];
    private DateTimeOffset _previousAt = time.GetUtcNow();

    /// <summary>All operations per second, once a second, for the rate chart.</summary>
    public void Sample(DateTimeOffset now)
    {
        var total = metrics.OperationCounts.Sum(p => p.Value);
        if (_sampled is { } last && (now - last.At).TotalSeconds is > 0 and var seconds)
        {
            _history.Record(now, "operations", (total - last.Total) / seconds);
        }

        _sampled = (now, total);
    }

    public async Task<DashboardModel> GetDashboardAsync(CancellationToken ct)
    {
        var stats = await service.ReadStatsAsync(ct);
        var now = time.GetUtcNow();
        var counts = metrics.OperationCounts.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        Dictionary<string, long> previous;
        double interval;
        lock (_gate)
        {
            (previous, _previous) = (_previous, counts);
            interval = Math.Max((now - _previousAt).TotalSeconds, 0.001);
            _previousAt = now;
        }

        var uptime = Math.Max((now - _started).TotalSeconds, 0.001);
        var rows = counts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (IReadOnlyList<string>)
        [
            p.Key,
            p.Value.ToString(CultureInfo.InvariantCulture),
            ((p.Value - previous.GetValueOrDefault(p.Key)) / interval).ToString("0.0", CultureInfo.InvariantCulture),
            (p.Value / uptime).ToString("0.00", CultureInfo.InvariantCulture),
        ]).ToList();

        return new DashboardModel("Namespace")
        {
            Stats =
            [
                new("Buckets", stats.Buckets.ToString(CultureInfo.InvariantCulture)),
                new("Objects", stats.Objects.ToString(CultureInfo.InvariantCulture), "keys whose latest version is not a delete marker"),
                new("Versions", stats.Versions.ToString(CultureInfo.InvariantCulture), "delete markers included"),
                new("Bytes", FormatBytes(stats.Bytes)),
                new("Multipart uploads", stats.MultipartUploads.ToString(CultureInfo.InvariantCulture), "unfinished"),
            ],
            Charts = [new DashboardChart("Operation rate, last 5 minutes", "per s", _history.Series(["operations"]))],
            Tables = [new DashboardTable("Operations", ["operation", "count", "per second (now)", "per second (avg)"], rows)],
        };
    }

    private static string FormatBytes(ulong bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return value.ToString(unit == 0 ? "0" : "0.0", CultureInfo.InvariantCulture) + " " + units[unit];
    }
}
