using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Cairn.ServiceDefaults.Discovery.Consul;

/// <summary>
/// The three Consul agent calls we need: register with a check, deregister, and the health query with a blocking
/// index. It owns its HttpClient rather than taking one from IHttpClientFactory, because factory clients go through
/// service discovery, and resolving Consul's own host name through Consul would recurse.
/// </summary>
public sealed class ConsulClient : IDisposable
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);
    private readonly HttpClient _http;
    private readonly TimeSpan _wait;

    public ConsulClient(ConsulOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var address = options.Address ?? throw new InvalidOperationException("CONSUL_HTTP_ADDR is not set");
        _wait = options.BlockingWait;
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2) })
        {
            BaseAddress = address,
            Timeout = Timeout.InfiniteTimeSpan, // per call below: blocking queries legitimately take BlockingWait
        };
        if (options.Token is { } token)
        {
            _http.DefaultRequestHeaders.Add("X-Consul-Token", token);
        }
    }

    public async Task RegisterAsync(ConsulServiceRegistration registration, CancellationToken ct)
    {
        using var cts = Deadline(CallTimeout, ct);
        using var response = await _http.PutAsJsonAsync("v1/agent/service/register", registration, cts.Token);
        response.EnsureSuccessStatusCode();
    }

    public async Task DeregisterAsync(string serviceId, CancellationToken ct)
    {
        using var cts = Deadline(CallTimeout, ct);
        using var response = await _http.PutAsync($"v1/agent/service/deregister/{Uri.EscapeDataString(serviceId)}", null, cts.Token);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>
    /// Passing instances of a service. With <paramref name="index"/> &gt; 0 the agent holds the request until the
    /// result changes past that index or the wait elapses; the returned index is the <c>X-Consul-Index</c> header.
    /// </summary>
    public async Task<(IReadOnlyList<ConsulServiceInstance> Instances, ulong Index)> HealthyInstancesAsync(
        string serviceName, ulong index, CancellationToken ct)
    {
        var query = $"v1/health/service/{Uri.EscapeDataString(serviceName)}?passing=true";
        if (index > 0)
        {
            query += $"&index={index.ToString(CultureInfo.InvariantCulture)}&wait={(int)_wait.TotalSeconds}s";
        }

        // Consul adds up to wait/16 of jitter; allow that and some network slack before calling the agent dead.
        using var cts = Deadline(_wait + (_wait / 16) + CallTimeout, ct);
        using var response = await _http.GetAsync(query, cts.Token);
        response.EnsureSuccessStatusCode();
        var newIndex = response.Headers.TryGetValues("X-Consul-Index", out var values)
            && ulong.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
        var entries = await response.Content.ReadFromJsonAsync<List<ConsulHealthEntry>>(cts.Token)
            ?? throw new JsonException("Consul answered null");
        return (entries.Select(ToInstance).OfType<ConsulServiceInstance>().ToList(), newIndex);
    }

    public void Dispose() => _http.Dispose();

    private static ConsulServiceInstance? ToInstance(ConsulHealthEntry entry)
    {
        if (entry.Service is not { } s)
        {
            return null;
        }

        // An empty service address means "the node's address" in Consul's model.
        var address = string.IsNullOrEmpty(s.Address) ? entry.Node?.Address : s.Address;
        return string.IsNullOrEmpty(address) || s.Port <= 0
            ? null
            : new ConsulServiceInstance(s.Id ?? s.Service ?? "", address, s.Port, s.Meta ?? []);
    }

    private static CancellationTokenSource Deadline(TimeSpan timeout, CancellationToken ct)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        return cts;
    }
}
