using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Cairn.Namespace.Telemetry;

/// <summary>The namespace's one Meter and one ActivitySource ("Cairn.Namespace").</summary>
public sealed class NamespaceMetrics : IDisposable
{
    public const string Name = "Cairn.Namespace";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Meter _meter;
    private readonly Counter<long> _operations;
    private readonly Counter<long> _failures;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _garbageLayouts;
    private readonly Counter<long> _storeRetries;
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);

    public NamespaceMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(Name) ?? new Meter(Name);
        _operations = _meter.CreateCounter<long>("cairn.namespace.operations", description: "Namespace operations by name");
        _failures = _meter.CreateCounter<long>("cairn.namespace.operation.failures", description: "Failed operations by name and code");
        _duration = _meter.CreateHistogram<double>("cairn.namespace.operation.duration", unit: "s");
        _garbageLayouts = _meter.CreateCounter<long>("cairn.namespace.garbage.layouts", description: "Layouts handed to GC");
        _storeRetries = _meter.CreateCounter<long>(
            "cairn.namespace.store.retries", description: "Store transactions re-run after losing a race, by SQLSTATE");
    }

    /// <summary>Operation name -> count since start (for GetStats and the dashboard's rates).</summary>
    public IReadOnlyDictionary<string, long> OperationCounts => _counts;

    public Operation Begin(string operation) => new(this, operation, ActivitySource.StartActivity("namespace." + operation));

    public void GarbageLayouts(string reason, int count) =>
        _garbageLayouts.Add(count, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>A PostgreSQL transaction lost a race (serialization failure, deadlock, unique race) and is re-run.</summary>
    public void StoreRetry(string sqlState) => _storeRetries.Add(1, new KeyValuePair<string, object?>("sqlstate", sqlState));

    public void Dispose() => _meter.Dispose();

    private void Record(string operation, TimeSpan elapsed, string? failure)
    {
        var tag = new KeyValuePair<string, object?>("operation", operation);
        _operations.Add(1, tag);
        _duration.Record(elapsed.TotalSeconds, tag);
        _counts.AddOrUpdate(operation, 1, (_, n) => n + 1);
        if (failure is not null)
        {
            _failures.Add(1, tag, new KeyValuePair<string, object?>("code", failure));
        }
    }

    /// <summary>Times one operation; call <see cref="Fail"/> before disposing when it failed.</summary>
    public sealed class Operation(NamespaceMetrics metrics, string name, Activity? activity) : IDisposable
    {
        private readonly long _start = Stopwatch.GetTimestamp();
        private string? _failure;

        public void Fail(string code)
        {
            _failure = code;
            activity?.SetStatus(ActivityStatusCode.Error, code);
        }

        public void Dispose()
        {
            metrics.Record(name, Stopwatch.GetElapsedTime(_start), _failure);
            activity?.Dispose();
        }
    }
}
