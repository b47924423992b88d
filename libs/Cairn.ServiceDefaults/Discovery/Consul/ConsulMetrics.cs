using System.Diagnostics.Metrics;

namespace Cairn.ServiceDefaults.Discovery.Consul;

/// <summary>The Consul integration's meter ("Cairn.Consul"): is discovery live, and how often does it change?</summary>
public sealed class ConsulMetrics
{
    public const string MeterName = "Cairn.Consul";

    private readonly Counter<long> _queryFailures;
    private readonly Counter<long> _changes;
    private readonly Counter<long> _registrations;

    public ConsulMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _queryFailures = meter.CreateCounter<long>("cairn.consul.query.failures", description: "Health queries that failed (the last good answer stays in use)");
        _changes = meter.CreateCounter<long>("cairn.consul.instances.changes", description: "Answers that changed a service's passing instances");
        _registrations = meter.CreateCounter<long>("cairn.consul.registrations", description: "Registration attempts of this instance, by outcome");
    }

    internal void QueryFailed(string service) => _queryFailures.Add(1, new KeyValuePair<string, object?>("service", service));

    internal void InstancesChanged(string service) => _changes.Add(1, new KeyValuePair<string, object?>("service", service));

    internal void Registered(bool ok) => _registrations.Add(1, new KeyValuePair<string, object?>("outcome", ok ? "ok" : "failed"));
}
