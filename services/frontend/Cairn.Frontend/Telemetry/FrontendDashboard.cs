using System.Globalization;
using Cairn.ServiceDefaults.Dashboard;

namespace Cairn.Frontend.Telemetry;

/// <summary>The frontend's dashboard: traffic, errors and latency per S3 operation, and rates over the last minutes.</summary>
public sealed class FrontendDashboard(FrontendMetrics metrics) : IDashboardSource, IDashboardSampler
{
    private readonly DashboardHistory _history = new(capacity: 300);
    private (DateTimeOffset At, long Requests, long Errors, long BytesIn, long BytesOut)? _last;

    public void Sample(DateTimeOffset now)
    {
        var operations = metrics.Snapshot();
        var current = (At: now, Requests: operations.Sum(o => o.Requests), Errors: operations.Sum(o => o.Errors), metrics.BytesIn, metrics.BytesOut);
        if (_last is { } last && (now - last.At).TotalSeconds is > 0 and var seconds)
        {
            _history.Record(now,
            [
                new("requests", (current.Requests - last.Requests) / seconds),
                new("errors", (current.Errors - last.Errors) / seconds),
                new("in", (current.BytesIn - last.BytesIn) / seconds / (1 << 20)),
                new("out", (current.BytesOut - last.BytesOut) / seconds / (1 << 20)),
            ]);
        }

        _last = current;
    }

    public Task<DashboardModel> GetDashboardAsync(CancellationToken ct)
    {
        var operations = metrics.Snapshot();
        var errors = operations.Sum(o => o.Errors);
        var model = new DashboardModel("Cairn frontend (S3)")
        {
            Stats =
            [
                new DashboardStat("Requests", N(operations.Sum(o => o.Requests))),
                new DashboardStat("Errors", N(errors), "S3 error responses", Alert: errors > 0),
                new DashboardStat("Bytes in", Bytes(metrics.BytesIn)),
                new DashboardStat("Bytes out", Bytes(metrics.BytesOut)),
                new DashboardStat("Degraded reads", N(metrics.DegradedReads), "shard reads replaced after a failure"),
                new DashboardStat("Hedged reads", N(metrics.HedgedReads), "slow shard reads raced with a spare"),
                new DashboardStat("Decoded stripes", N(metrics.DecodedStripes), "stripes rebuilt from parity"),
            ],
            Charts =
            [
                new DashboardChart("Requests and errors", "per s", _history.Series(["requests", "errors"])),
                new DashboardChart("Object bytes", "MiB/s", _history.Series(["in", "out"])),
            ],
            Tables =
            [
                new DashboardTable("Operations", ["Operation", "Requests", "Errors", "p50 ms", "p99 ms"],
                    operations.Select(o => (IReadOnlyList<string>)
                    [
                        o.Operation, N(o.Requests), N(o.Errors),
                        o.P50Ms.ToString("F2", CultureInfo.InvariantCulture),
                        o.P99Ms.ToString("F2", CultureInfo.InvariantCulture),
                    ]).ToList()),
            ],
        };
        return Task.FromResult(model);
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("F2", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("F2", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (bytes / (double)(1L << 10)).ToString("F2", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };
}
