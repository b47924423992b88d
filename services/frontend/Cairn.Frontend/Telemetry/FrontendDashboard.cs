using System.Globalization;
using Cairn.ServiceDefaults;
using Cairn.ServiceDefaults.Dashboard;

namespace Cairn.Frontend.Telemetry;

/// <summary>The frontend's dashboard: traffic, errors and latency per S3 operation.</summary>
public sealed class FrontendDashboard(FrontendMetrics metrics) : IDashboardSource
{
    public Task<DashboardModel> GetDashboardAsync(CancellationToken ct)
    {
        var operations = metrics.Snapshot();
        var model = new DashboardModel("Cairn frontend (S3)");
        model.Stats.Add(new DashboardStat("Requests", operations.Sum(o => o.Requests).ToString("N0", CultureInfo.InvariantCulture)));
        model.Stats.Add(new DashboardStat("Errors", operations.Sum(o => o.Errors).ToString("N0", CultureInfo.InvariantCulture)));
        model.Stats.Add(new DashboardStat("Bytes in", Bytes(metrics.BytesIn)));
        model.Stats.Add(new DashboardStat("Bytes out", Bytes(metrics.BytesOut)));
        model.Stats.Add(new DashboardStat("Degraded reads", metrics.DegradedReads.ToString("N0", CultureInfo.InvariantCulture), "shard reads replaced after a failure"));
        model.Stats.Add(new DashboardStat("Hedged reads", metrics.HedgedReads.ToString("N0", CultureInfo.InvariantCulture), "slow shard reads raced with a spare"));
        model.Stats.Add(new DashboardStat("Decoded stripes", metrics.DecodedStripes.ToString("N0", CultureInfo.InvariantCulture), "stripes rebuilt from parity"));
        model.Tables.Add(new DashboardTable("Operations", ["Operation", "Requests", "Errors", "p50 ms", "p99 ms"],
            operations.Select(o => (IReadOnlyList<string>)
            [
                o.Operation,
                o.Requests.ToString(CultureInfo.InvariantCulture),
                o.Errors.ToString(CultureInfo.InvariantCulture),
                o.P50Ms.ToString("F2", CultureInfo.InvariantCulture),
                o.P99Ms.ToString("F2", CultureInfo.InvariantCulture),
            ]).ToList()));
        return Task.FromResult(model);
    }

    private static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("F2", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("F2", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (bytes / (double)(1L << 10)).ToString("F2", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };
}
