using Microsoft.Extensions.Configuration;

namespace Cairn.ServiceDefaults.Discovery.Consul;

/// <summary>
/// Settings of the Consul integration, read from configuration (<c>CONSUL_HTTP_ADDR</c>, <c>CONSUL_HTTP_TOKEN</c>,
/// <c>Cairn:Consul:*</c>), plus the hooks through which a service adds its own tags and metadata.
/// </summary>
public sealed class ConsulOptions
{
    /// <summary>The agent's HTTP API, e.g. <c>http://127.0.0.1:8500</c>; null disables Consul entirely.</summary>
    public Uri? Address { get; set; }

    /// <summary>ACL token sent as <c>X-Consul-Token</c>, when the agent enforces ACLs.</summary>
    public string? Token { get; set; }

    /// <summary>How long a blocking health query may wait at the agent before it answers "no change".</summary>
    public TimeSpan BlockingWait { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan CheckTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A crashed instance that never deregistered is removed by the agent after this long critical.</summary>
    public TimeSpan DeregisterCriticalServiceAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Registration is repeated this often: the PUT is idempotent, and it restores our entry after an agent restart
    /// (a dev-mode agent forgets everything).
    /// </summary>
    public TimeSpan ReRegisterInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest a first resolution waits for Consul's first answer before falling back to configuration.</summary>
    public TimeSpan FirstAnswerTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Extra tags for this instance's registration.</summary>
    public List<string> Tags { get; } = [];

    /// <summary>Hooks that add service metadata (e.g. a storage node's disks) at registration time.</summary>
    public List<Action<IServiceProvider, IDictionary<string, string>>> MetadataProviders { get; } = [];

    /// <summary>Parses <c>consul:8500</c> or <c>http(s)://host:port</c>; null or blank means "no Consul".</summary>
    public static Uri? ParseAddress(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = value.Contains("://", StringComparison.Ordinal) ? value.Trim() : "http://" + value.Trim();
        return new Uri(text.TrimEnd('/') + "/");
    }

    internal void Bind(IConfiguration config)
    {
        Address = ParseAddress(config["CONSUL_HTTP_ADDR"]);
        Token = config["CONSUL_HTTP_TOKEN"] is { Length: > 0 } token ? token : null;
        var section = config.GetSection("Cairn:Consul");
        BlockingWait = section.GetValue(nameof(BlockingWait), BlockingWait);
        CheckInterval = section.GetValue(nameof(CheckInterval), CheckInterval);
        CheckTimeout = section.GetValue(nameof(CheckTimeout), CheckTimeout);
        DeregisterCriticalServiceAfter = section.GetValue(nameof(DeregisterCriticalServiceAfter), DeregisterCriticalServiceAfter);
        ReRegisterInterval = section.GetValue(nameof(ReRegisterInterval), ReRegisterInterval);
        FirstAnswerTimeout = section.GetValue(nameof(FirstAnswerTimeout), FirstAnswerTimeout);
    }
}
