using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Cairn.Frontend.Telemetry;

/// <summary>
/// The frontend's one Meter and ActivitySource, plus an in-process summary per operation (counts and a
/// window of recent latencies) that the dashboard and FrontendAdmin.GetStatus read without a metrics backend.
/// </summary>
public sealed class FrontendMetrics : IDisposable
{
    public const string Name = "Cairn.Frontend";
    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _errors;
    private readonly Histogram<double> _latency;
    private readonly Counter<long> _bytesIn;
    private readonly Counter<long> _bytesOut;
    private readonly Counter<long> _degradedReads;
    private readonly Counter<long> _hedgedReads;
    private readonly Counter<long> _slowDiskProbes;
    private readonly Counter<long> _decodedStripes;
    private readonly Counter<long> _steeredReads;
    private readonly ConcurrentDictionary<string, OperationSummary> _operations = new(StringComparer.Ordinal);
    private long _totalBytesIn;
    private long _totalBytesOut;
    private long _totalDegradedReads;
    private long _totalHedgedReads;
    private long _totalSlowDiskProbes;
    private long _totalDecodedStripes;
    private long _totalSteeredReads;

    public FrontendMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(Name) ?? new Meter(Name);
        _requests = _meter.CreateCounter<long>("cairn.frontend.requests", description: "S3 requests by operation and status");
        _errors = _meter.CreateCounter<long>("cairn.frontend.errors", description: "S3 error responses by operation and code");
        _latency = _meter.CreateHistogram<double>("cairn.frontend.request.duration", unit: "ms", description: "S3 request latency");
        _bytesIn = _meter.CreateCounter<long>("cairn.frontend.bytes_in", unit: "By", description: "Object bytes received");
        _bytesOut = _meter.CreateCounter<long>("cairn.frontend.bytes_out", unit: "By", description: "Object bytes sent");
        _degradedReads = _meter.CreateCounter<long>("cairn.frontend.degraded_reads", description: "Shard reads that failed (corrupt, missing, down, timed out) and were replaced by another replica or shard");
        _hedgedReads = _meter.CreateCounter<long>("cairn.frontend.hedged_reads", description: "Shard reads slower than their disk's p95 that got a spare read alongside");
        _slowDiskProbes = _meter.CreateCounter<long>("cairn.frontend.slow_disk_probes", description: "Reads of a disk judged slow made off the critical path to keep the verdict fresh");
        _decodedStripes = _meter.CreateCounter<long>("cairn.frontend.decoded_stripes", description: "Erasure-coded stripes served by decoding from parity");
        _steeredReads = _meter.CreateCounter<long>("cairn.frontend.steered_reads", description: "Erasure-coded reads whose first k shards include parity because a data disk was hot or down");
    }

    public long BytesIn => Interlocked.Read(ref _totalBytesIn);
    public long BytesOut => Interlocked.Read(ref _totalBytesOut);
    public long DegradedReads => Interlocked.Read(ref _totalDegradedReads);
    public long HedgedReads => Interlocked.Read(ref _totalHedgedReads);
    public long SlowDiskProbes => Interlocked.Read(ref _totalSlowDiskProbes);
    public long DecodedStripes => Interlocked.Read(ref _totalDecodedStripes);
    public long SteeredReads => Interlocked.Read(ref _totalSteeredReads);

    public void RecordRequest(string operation, int status, string? errorCode, double elapsedMs)
    {
        var op = new KeyValuePair<string, object?>("operation", operation);
        _requests.Add(1, op, new KeyValuePair<string, object?>("status", status));
        _latency.Record(elapsedMs, op);
        if (errorCode is not null)
        {
            _errors.Add(1, op, new KeyValuePair<string, object?>("code", errorCode));
        }
        _operations.GetOrAdd(operation, _ => new OperationSummary()).Record(elapsedMs, errorCode is not null);
    }

    public void AddBytesIn(long bytes)
    {
        _bytesIn.Add(bytes);
        Interlocked.Add(ref _totalBytesIn, bytes);
    }

    public void AddBytesOut(long bytes)
    {
        _bytesOut.Add(bytes);
        Interlocked.Add(ref _totalBytesOut, bytes);
    }

    public void DegradedRead()
    {
        _degradedReads.Add(1);
        Interlocked.Increment(ref _totalDegradedReads);
    }

    public void HedgedRead()
    {
        _hedgedReads.Add(1);
        Interlocked.Increment(ref _totalHedgedReads);
    }

    public void SlowDiskProbe()
    {
        _slowDiskProbes.Add(1);
        Interlocked.Increment(ref _totalSlowDiskProbes);
    }

    public void DecodedStripe()
    {
        _decodedStripes.Add(1);
        Interlocked.Increment(ref _totalDecodedStripes);
    }

    public void SteeredRead()
    {
        _steeredReads.Add(1);
        Interlocked.Increment(ref _totalSteeredReads);
    }

    public IReadOnlyList<OperationSnapshot> Snapshot() =>
        _operations.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value.Snapshot(p.Key)).ToList();

    public void Dispose() => _meter.Dispose();

    private sealed class OperationSummary
    {
        // A bounded window keeps percentiles cheap and memory flat however long the process runs.
        private const int Window = 1024;
        private readonly double[] _recent = new double[Window];
        private readonly Lock _lock = new();
        private long _requests;
        private long _errors;

        public void Record(double ms, bool error)
        {
            lock (_lock)
            {
                _recent[_requests % Window] = ms;
                _requests++;
                if (error)
                {
                    _errors++;
                }
            }
        }

        public OperationSnapshot Snapshot(string operation)
        {
            double[] sample;
            long requests;
            long errors;
            lock (_lock)
            {
                requests = _requests;
                errors = _errors;
                sample = _recent.AsSpan(0, (int)Math.Min(requests, Window)).ToArray();
            }
            Array.Sort(sample);
            return new OperationSnapshot(operation, requests, errors, Percentile(sample, 0.50), Percentile(sample, 0.99));
        }

        private static double Percentile(double[] sorted, double q) =>
            sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
    }
}

public sealed record OperationSnapshot(string Operation, long Requests, long Errors, double P50Ms, double P99Ms);
